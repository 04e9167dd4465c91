/**
 * The bounds of verify's runs. The load figures follow the issue (50 connections, 30 s);
 * VERIFY_LOAD_SECONDS shortens the load phases while working on verify itself.
 */
const loadSeconds = Number(process.env.VERIFY_LOAD_SECONDS ?? '30');
if (!Number.isFinite(loadSeconds) || loadSeconds < 1) {
  throw new Error('VERIFY_LOAD_SECONDS must be a number of seconds, at least 1');
}

export const LOAD_CONNECTIONS = 50;
export const LOAD_DURATION_MS = loadSeconds * 1000;
/** A request without a response after this long counts as hung. */
export const REQUEST_TIMEOUT_MS = 10_000;
