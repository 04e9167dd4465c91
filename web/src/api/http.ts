import type { ErrorBody, FieldError } from './types';

/**
 * The one place that talks HTTP to the task API: same origin, JSON, and errors turned into
 * ApiError with the API's field details. Requests carry no credentials of their own: the browser
 * sends the HttpOnly session cookie, which this code can neither read nor leak.
 */

/** status 0 means the request never got an HTTP answer (offline, DNS, connection refused). */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly details: readonly FieldError[];
  readonly requestId: string | null;

  constructor(
    status: number,
    message: string,
    details: readonly FieldError[] = [],
    requestId: string | null = null,
  ) {
    super(message);
    this.status = status;
    this.details = details;
    this.requestId = requestId;
  }

  /** The API's message for one field, e.g. "title", if it named that field. */
  messageFor(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field)?.message;
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface ApiHooks {
  /** Called when the API does not accept the session (401), e.g. to sign in again. */
  onUnauthorized(): void;
}

let hooks: ApiHooks = { onUnauthorized: () => {} };

export function configureApi(next: ApiHooks): void {
  hooks = next;
}

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** The ETag the change is based on; the API answers 412 if the task changed since. */
  ifMatch?: string | null;
  /** "*": create only if absent (PUT that restores a deleted task). */
  ifNoneMatch?: '*';
  /** Makes a create safe to retry (see idempotency.ts). */
  idempotencyKey?: string;
  accept?: string;
  signal?: AbortSignal;
  /** The path prefix: /api for the task API, /auth for signing out. */
  base?: '/api' | '/auth';
}

export interface ApiResponse {
  response: Response;
  /** The entity tag of the resource, for a later If-Match. */
  etag: string | null;
}

function apiUrl(path: string, query: Query = {}, base = '/api'): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

export async function send(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers = new Headers({ Accept: options.accept ?? 'application/json' });
  if (options.ifMatch) headers.set('If-Match', options.ifMatch);
  if (options.ifNoneMatch) headers.set('If-None-Match', options.ifNoneMatch);
  if (options.idempotencyKey) headers.set('Idempotency-Key', options.idempotencyKey);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query, options.base), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, error instanceof Error ? error.message : String(error));
  }

  if (!response.ok) {
    const error = await readError(response);
    if (error.status === 401) hooks.onUnauthorized();
    throw error;
  }
  return { response, etag: response.headers.get('ETag') };
}

/** Sends a request and parses the JSON answer. */
export async function sendJson<T>(
  path: string,
  options: RequestOptions = {},
): Promise<{ data: T; etag: string | null }> {
  const { response, etag } = await send(path, options);
  return { data: (await response.json()) as T, etag };
}

async function readError(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('X-Request-Id');
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    // Not the API's JSON (e.g. a proxy's HTML error page): fall back to the status line.
  }
  const message =
    typeof body?.error === 'string' && body.error
      ? body.error
      : `${response.status} ${response.statusText}`.trim();
  const details = Array.isArray(body?.details)
    ? body.details.filter(
        (detail): detail is FieldError =>
          typeof detail?.field === 'string' && typeof detail.message === 'string',
      )
    : [];
  return new ApiError(response.status, message, details, requestId);
}
