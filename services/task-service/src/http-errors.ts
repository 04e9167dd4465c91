/**
 * Errors the client may see. Every 4xx and 5xx answer carries the one error body, defined in
 * responses.ts: { "error": "<summary>", "details": [{ "field": "<name>", "message": "<what is wrong>" }] }.
 */
import type { ErrorDetail } from './responses.ts';

export type { ErrorBody, ErrorDetail } from './responses.ts';

/** An error whose status, message and details are safe to show to the client as they are. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    details: ErrorDetail[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

/** What a path or query parameter that does not percent-decode to UTF-8 text is told. */
export const INVALID_PERCENT_ENCODING = 'contains an invalid percent-encoded sequence';

export function badRequest(message: string, details: ErrorDetail[]): HttpError {
  return new HttpError(400, message, details);
}

export function taskNotFound(): HttpError {
  // The same answer for a task that never existed and for another user's task, so ids
  // reveal nothing about other users.
  return new HttpError(404, 'task not found', [{ field: 'taskId', message: 'no such task' }]);
}
