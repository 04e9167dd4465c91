import { randomUUID } from 'node:crypto';

/**
 * The ids a request may bring (X-Request-Id) and keep: one id then follows a request through
 * every hop (the Ingress, task-service, the identity provider). Anything that could forge log
 * structure or bloat the logs is replaced.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The id a request is logged under: the one it came with, if it is safe to log, or a new one. */
export function requestIdFrom(incoming: string | readonly string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)
    ? incoming
    : randomUUID();
}
