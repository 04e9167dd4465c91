/**
 * What the API told the load driver about each write, and the state the table must therefore be
 * in: every acknowledged create present with the acknowledged content (done once a completion was
 * acknowledged), every acknowledged delete gone, and nothing the API refused stored.
 * Writes whose outcome the client could not learn (no response) are left out of the comparison.
 */
export interface TaskFields {
  title: string;
  contents: string;
  startAt: string;
  done: boolean;
}

export interface StoredTask extends TaskFields {
  taskId: string;
}

interface Entry {
  userId: string;
  expected: TaskFields;
  deleted: boolean;
  uncertain: boolean;
}

export interface JournalComparison {
  /** Tasks compared with the table. */
  checked: number;
  /** Acknowledged writes missing or different in the table, and refused ones present. */
  problems: string[];
}

export class WriteJournal {
  private readonly tasks = new Map<string, Entry>();
  private readonly refused = new Map<string, { userId: string; uncertain: boolean }>();
  /** Writes answered 2xx. */
  acknowledged = 0;
  /** Writes answered otherwise (or not at all). */
  refusedCount = 0;

  created(userId: string, taskId: string, fields: TaskFields): void {
    this.acknowledged++;
    this.tasks.set(taskId, { userId, expected: fields, deleted: false, uncertain: false });
  }

  createRefused(userId: string, title: string, uncertain: boolean): void {
    this.refusedCount++;
    this.refused.set(title, { userId, uncertain });
  }

  completed(taskId: string): void {
    this.acknowledged++;
    this.entry(taskId).expected.done = true;
  }

  deleted(taskId: string): void {
    this.acknowledged++;
    this.entry(taskId).deleted = true;
  }

  /** A write to this task got no response: its outcome is unknown. */
  uncertain(taskId: string): void {
    this.refusedCount++;
    this.entry(taskId).uncertain = true;
  }

  /** Any other refused write (answered, not 2xx) changes nothing in the model. */
  writeRefused(): void {
    this.refusedCount++;
  }

  users(): string[] {
    return [...new Set([...this.tasks.values()].map((entry) => entry.userId))];
  }

  /** Compares with every task stored for the given user (all of them, read from the table). */
  compare(userId: string, stored: readonly StoredTask[]): JournalComparison {
    const problems: string[] = [];
    let checked = 0;
    const storedById = new Map(stored.map((task) => [task.taskId, task]));
    for (const [taskId, entry] of this.tasks) {
      if (entry.userId !== userId || entry.uncertain) continue;
      checked++;
      const found = storedById.get(taskId);
      if (entry.deleted) {
        if (found) problems.push(`acknowledged delete of ${taskId} not applied`);
      } else if (!found) {
        problems.push(`acknowledged task ${taskId} (${entry.expected.title}) missing`);
      } else {
        const differences = differingFields(entry.expected, found);
        if (differences.length > 0) {
          problems.push(`task ${taskId} differs from what was acknowledged: ${differences}`);
        }
      }
    }
    for (const task of stored) {
      const entry = this.tasks.get(task.taskId);
      if (entry) continue;
      const refused = this.refused.get(task.title);
      if (refused?.uncertain) continue;
      problems.push(
        refused
          ? `refused create stored anyway: ${task.taskId} (${task.title})`
          : `unexpected task ${task.taskId} (${task.title})`,
      );
    }
    return { checked, problems };
  }

  private entry(taskId: string): Entry {
    const entry = this.tasks.get(taskId);
    if (!entry) throw new Error(`journal: write to unknown task ${taskId}`);
    return entry;
  }
}

function differingFields(expected: TaskFields, stored: TaskFields): string[] {
  const differences: string[] = [];
  if (stored.title !== expected.title) differences.push('title');
  if (stored.contents !== expected.contents) differences.push('contents');
  if (Date.parse(stored.startAt) !== Date.parse(expected.startAt)) differences.push('startAt');
  if (stored.done !== expected.done) differences.push(`done=${stored.done}`);
  return differences;
}
