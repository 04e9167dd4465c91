/**
 * Telling "DynamoDB failed" from "our request was wrong". The first is an outage, a timeout,
 * throttling, a missing table or bad credentials: the client should get 503 and retry later,
 * and the service must keep running. The second (a ValidationException) is a bug here and
 * stays a 500.
 */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const CALLER_BUG_NAMES = new Set(['ValidationException', 'SerializationException']);

export function isDynamoUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CALLER_BUG_NAMES.has(error.name)) return false;
  if (error.name === 'TimeoutError') return true;
  const { code, $metadata } = error as { code?: unknown; $metadata?: unknown };
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  // Every error that comes out of an SDK call carries $metadata: service errors (throttling,
  // ResourceNotFoundException, 5xx, access denied) and transport failures alike.
  return typeof $metadata === 'object' && $metadata !== null;
}
