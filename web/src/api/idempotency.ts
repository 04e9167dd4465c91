import type { NewTask } from './types';

/**
 * The Idempotency-Key of a create: one per attempt to create one task. Saving again after an
 * error (a 503, no answer) sends the same key with the same body, so the API answers with the
 * task the first try may already have created instead of making a second one. Once the person
 * changes what they are creating, it is a new attempt with a new key: the API would refuse the
 * old key with another body.
 */
export function createAttemptKeys(): (input: NewTask) => string {
  let last: { body: string; key: string } | null = null;
  return (input) => {
    const body = JSON.stringify([input.title, input.contents ?? '', input.startAt]);
    if (last?.body !== body) last = { body, key: randomKey() };
    return last.key;
  };
}

/** 128 random bits as hex. crypto.getRandomValues works on plain http too; randomUUID does not. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
