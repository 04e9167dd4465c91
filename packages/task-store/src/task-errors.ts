/** What can go wrong with a task request that is the caller's doing, not DynamoDB's. */

/** The task does not exist for this user (whether it never existed or belongs to someone else). */
export class TaskNotFoundError extends Error {
  override name = 'TaskNotFoundError';
  readonly taskId: string;
  constructor(taskId: string) {
    super(`task ${taskId} not found`);
    this.taskId = taskId;
  }
}

/** The task exists but has moved on from the version the caller based the change on. */
export class TaskVersionMismatchError extends Error {
  override name = 'TaskVersionMismatchError';
  readonly taskId: string;
  readonly currentVersion: number;
  constructor(taskId: string, currentVersion: number) {
    super(`task ${taskId} is at version ${currentVersion}`);
    this.taskId = taskId;
    this.currentVersion = currentVersion;
  }
}
