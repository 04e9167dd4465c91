/**
 * What went wrong with a DynamoDB call, in one place for every program: task-service answers
 * 503 when DynamoDB is unavailable, create-tables waits out what waiting can fix, and the report
 * job says in plain words what happened. Each asks the same classification.
 *
 * - unreachable: no connection (refused, no route, DNS);
 * - dropped: the connection broke mid-call (reset, broken pipe);
 * - timeout: no answer in time (the client's per-attempt timeout);
 * - throttled / server-error: DynamoDB answered that it cannot serve the call now;
 * - missing-table: the table does not exist (yet);
 * - refused: any other answer that the request is not acceptable (access denied, bad
 *   credentials): waiting does not change it;
 * - caller-bug: the request itself is malformed (a bug here, never DynamoDB's fault).
 *
 * undefined: not an error from an SDK call at all (our own code failed).
 */
export type DynamoFailure =
  | 'unreachable'
  | 'dropped'
  | 'timeout'
  | 'throttled'
  | 'server-error'
  | 'missing-table'
  | 'refused'
  | 'caller-bug';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TIMED_OUT = new Set(['ETIMEDOUT']);
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);
const CALLER_BUG = new Set(['ValidationException', 'SerializationException']);

interface SdkError {
  name: string;
  message: string;
  code?: unknown;
  /** Set by the SDK on every error that comes out of a call, transport failures included. */
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

/** The Node.js network error code of a failed call, wherever the SDK left it. */
export function networkErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as SdkError;
  if (typeof code === 'string') return code;
  return /\b(E[A-Z_]{3,})\b/.exec(error.message)?.[1];
}

export function classifyDynamoError(error: unknown): DynamoFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, $metadata } = error as SdkError;
  const code = networkErrorCode(error);
  // The network's own code first: the SDK reports a pooled connection reset under it as a
  // TimeoutError whose message says ECONNRESET.
  if (code && UNREACHABLE.has(code)) return 'unreachable';
  if (code && DROPPED.has(code)) return 'dropped';
  if (error.name === 'TimeoutError' || (code && TIMED_OUT.has(code))) return 'timeout';
  // Only what the SDK reports: an error thrown by our own code is a bug, not DynamoDB's.
  if (typeof $metadata !== 'object' || $metadata === null) return undefined;
  if (CALLER_BUG.has(name)) return 'caller-bug';
  if (THROTTLING.has(name)) return 'throttled';
  if (name === 'ResourceNotFoundException') return 'missing-table';
  const status = $metadata.httpStatusCode;
  // No HTTP status: the call never got an answer.
  if (status === undefined) return 'unreachable';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server-error';
  return 'refused';
}

/** DynamoDB cannot serve the call now: a 503 for a client of the API, never a crash. */
export function isDynamoUnavailable(error: unknown): boolean {
  const failure = classifyDynamoError(error);
  return failure !== undefined && failure !== 'caller-bug';
}

/** Trying again later may succeed: the failures that waiting can fix. */
export function isTransientDynamoError(error: unknown): boolean {
  const failure = classifyDynamoError(error);
  return (
    failure === 'unreachable' ||
    failure === 'dropped' ||
    failure === 'timeout' ||
    failure === 'throttled' ||
    failure === 'server-error'
  );
}
