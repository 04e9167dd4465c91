/** The shapes of the task API's JSON (see the service's openapi.yaml). */

export interface Task {
  taskId: string;
  title: string;
  contents: string;
  /** ISO 8601 instant. */
  startAt: string;
  done: boolean;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type TaskStatus = 'open' | 'done' | 'all';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface NewTask {
  title: string;
  contents: string;
  startAt: string;
}

/** With done: true, completedAt records that time (undoing a reopen puts it back). */
export type TaskChanges = Partial<NewTask & { done: boolean; completedAt: string }>;

export interface Me {
  /** The `sub` of the person's identity. */
  userId: string;
  /** What to call them. */
  name: string;
  isAdmin: boolean;
}

export interface ReportSummary {
  /** The reported day, YYYY-MM-DD, in timeZone. */
  date: string;
  timeZone: string;
  count: number;
  perUser: { userId: string; name: string; count: number }[];
  generatedAt: string;
  /** Made before the day ended: completions after generatedAt are missing. */
  partial: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}

/** Every 4xx/5xx response of the API carries this body. */
export interface ErrorBody {
  error: string;
  details: FieldError[];
}
