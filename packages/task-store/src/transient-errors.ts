/**
 * Whether a failed DynamoDB call may succeed if simply tried again later: the server is not
 * reachable yet (no answer at all, or a timeout), it is overloaded (5xx), or it throttles. A
 * 4xx answer (access denied, a validation error, unknown credentials) will not change by
 * waiting, so callers that wait for DynamoDB fail on it at once instead of at their deadline.
 */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

interface SdkFailure {
  name: string;
  /** Set by the SDK on every error that comes out of a call, transport failures included. */
  $metadata?: { httpStatusCode?: number };
}

export function isTransientDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, $metadata } = error as SdkFailure;
  // Only what the SDK reports: an error thrown by our own code is a bug, not a slow server.
  if (typeof $metadata !== 'object' || $metadata === null) return false;
  if (THROTTLING.has(name)) return true;
  const status = $metadata.httpStatusCode;
  // No HTTP status: the request never got an answer (refused, reset, DNS, timed out).
  return status === undefined || status >= 500 || status === 429;
}
