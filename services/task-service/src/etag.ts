/**
 * Optimistic concurrency over HTTP: a task's ETag is its version as a strong entity tag,
 * "<version>", and PATCH/DELETE may send it back in If-Match.
 */
import { badRequest } from './http-errors.ts';

export function taskETag(version: number): string {
  return `"${version}"`;
}

/** The versions an If-Match header accepts; undefined when the header is absent or "*". */
export type IfMatch = { versions: number[] } | undefined;

// RFC 9110 entity-tag: an optional weak prefix and a quoted string of etagc characters.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return undefined;
  const value = header.trim();
  // "*" only asks that the task exist, which every change requires anyway.
  if (value === '*') return undefined;
  const versions: number[] = [];
  for (const part of value.split(',')) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) {
      throw badRequest('invalid If-Match header', [
        {
          field: 'If-Match',
          message: 'must be "*" or a list of entity tags such as "3" (an ETag of this API)',
        },
      ]);
    }
    // If-Match compares strongly: a weak tag, or one this API never issued, matches nothing.
    const [, weak, opaque = ''] = match;
    if (weak === undefined && /^[1-9]\d{0,14}$/.test(opaque)) versions.push(Number(opaque));
  }
  return { versions };
}
