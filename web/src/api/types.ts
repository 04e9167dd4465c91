/**
 * The shapes of the task API's JSON, under the names the app uses. None is written out here:
 * schema.d.ts is generated from the service's contract (services/task-service/openapi.yaml,
 * itself generated from the service's zod schemas) by `npm run generate:api-types`.
 */
import type { components, operations } from './schema';

type Schemas = components['schemas'];

export type Task = Schemas['Task'];
export type NewTask = Schemas['NewTask'];
/** With done: true, completedAt records that time (undoing a reopen puts it back). */
export type TaskChanges = Schemas['TaskChanges'];
/** What PUT takes to put a deleted task back: the task as GET answered it. */
export type RestoredTask = Schemas['RestoredTask'];
export type Me = Schemas['Me'];
export type ReportSummary = Schemas['ReportSummary'];
export type FieldError = Schemas['ErrorDetail'];
/** Every 4xx/5xx response of the API carries this body. */
export type ErrorBody = Schemas['Error'];

/** The query parameters of GET /api/tasks and GET /api/reports. */
export type TaskQuery = NonNullable<operations['listTasks']['parameters']['query']>;
export type ReportQuery = NonNullable<operations['listReports']['parameters']['query']>;
export type TaskStatus = NonNullable<TaskQuery['status']>;
export type TaskSort = NonNullable<TaskQuery['sort']>;
export type SortOrder = NonNullable<TaskQuery['order']>;

/** One page of a list (TaskPage, ReportPage), for the code that pages through either. */
export type Page<T> = Omit<Schemas['TaskPage'], 'items'> & { items: T[] };
