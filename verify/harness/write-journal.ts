/**
 * What the API told the load driver about each write, and the state the table must therefore be
 * in: every acknowledged create present with the acknowledged content (done once a completion was
 * acknowledged), every acknowledged delete gone, and nothing the API refused stored.
 *
 * Some writes have an outcome no client can know: no response at all, or a failure answered
 * for a request that was already on its way to DynamoDB when the connection to it broke (the
 * write may have been applied and only its response lost). Those tasks are left out of the
 * strict comparison; how many such writes were in fact applied is counted instead.
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

type AmbiguousWrite = 'complete' | 'delete';

interface Entry {
  userId: string;
  expected: TaskFields;
  deleted: boolean;
  /** The write of unknown outcome that ended the client's use of this task. */
  ambiguous?: AmbiguousWrite;
}

export interface JournalComparison {
  /** Tasks compared strictly with the table. */
  checked: number;
  /** Acknowledged writes missing or different in the table, and refused ones present. */
  problems: string[];
  /** Writes of unknown outcome, and how many of them the table shows applied. */
  ambiguous: number;
  ambiguousApplied: number;
}

export class WriteJournal {
  private readonly tasks = new Map<string, Entry>();
  private readonly refusedCreates = new Map<string, { userId: string; ambiguous: boolean }>();
  /** Writes answered 2xx. */
  acknowledged = 0;
  /** Writes answered otherwise (or not at all). */
  refused = 0;

  created(userId: string, taskId: string, fields: TaskFields): void {
    this.acknowledged++;
    this.tasks.set(taskId, { userId, expected: fields, deleted: false });
  }

  /** A create answered with a failure; `ambiguous` when it may nevertheless have been applied. */
  createRefused(userId: string, title: string, ambiguous: boolean): void {
    this.refused++;
    this.refusedCreates.set(title, { userId, ambiguous });
  }

  completed(taskId: string): void {
    this.acknowledged++;
    this.entry(taskId).expected.done = true;
  }

  deleted(taskId: string): void {
    this.acknowledged++;
    this.entry(taskId).deleted = true;
  }

  /** A write answered with a failure; `ambiguous` when it may nevertheless have been applied. */
  writeRefused(taskId: string, write: AmbiguousWrite, ambiguous: boolean): void {
    this.refused++;
    if (ambiguous) this.entry(taskId).ambiguous = write;
  }

  /** Compares with every task stored for the given user (all of them, read from the table). */
  compare(userId: string, stored: readonly StoredTask[]): JournalComparison {
    const result: JournalComparison = {
      checked: 0,
      problems: [],
      ambiguous: 0,
      ambiguousApplied: 0,
    };
    const storedById = new Map(stored.map((task) => [task.taskId, task]));
    for (const [taskId, entry] of this.tasks) {
      if (entry.userId !== userId) continue;
      const found = storedById.get(taskId);
      if (entry.ambiguous) {
        result.ambiguous++;
        const applied = entry.ambiguous === 'delete' ? !found : found?.done === true;
        if (applied) result.ambiguousApplied++;
        continue;
      }
      result.checked++;
      if (entry.deleted) {
        if (found) result.problems.push(`delete of ${taskId} answered 204 but not applied`);
      } else if (!found) {
        result.problems.push(`task ${taskId} (${entry.expected.title}) gone, no 204 said so`);
      } else {
        const differences = differingFields(entry.expected, found);
        if (differences.length > 0) {
          result.problems.push(`task ${taskId} differs from what the API answered: ${differences}`);
        }
      }
    }
    for (const [title, refused] of this.refusedCreates) {
      if (refused.userId !== userId) continue;
      const applied = stored.some((task) => task.title === title);
      if (refused.ambiguous) {
        result.ambiguous++;
        if (applied) result.ambiguousApplied++;
      } else {
        result.checked++;
        if (applied) {
          result.problems.push(`create refused with a definite answer stored anyway: ${title}`);
        }
      }
    }
    for (const task of stored) {
      if (!this.tasks.has(task.taskId) && !this.refusedCreates.has(task.title)) {
        result.problems.push(`unexpected task ${task.taskId} (${task.title})`);
      }
    }
    return result;
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
