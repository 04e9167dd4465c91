/**
 * Conditional requests on a task (RFC 9110 §13). A task's ETag is its version as a strong
 * entity tag, "<version>". Its preconditions are evaluated in the RFC's order (§13.2.2):
 *
 *   If-Match       strong comparison; false → 412, whatever the method;
 *   If-None-Match  weak comparison;   false → 304 for GET and HEAD, 412 for the writes.
 *
 * PATCH and DELETE also hand both lists to DynamoDB as the write's condition, so a change made
 * between a check and the write cannot slip through. If-Modified-Since and If-Unmodified-Since
 * are ignored, as the RFC asks of a server that gives no Last-Modified.
 */
import { TaskVersionMismatchError, type WriteCondition } from '@task-manager/task-store';
import { badRequest, HttpError, taskNotFound } from './http-errors.ts';

export function taskETag(version: number): string {
  return `"${version}"`;
}

type ConditionHeader = 'If-Match' | 'If-None-Match';

/** "*" (any task that exists), or the versions a list's tags name under each comparison. */
type TagList = '*' | { strong: number[]; weak: number[] };

export interface Preconditions {
  ifMatch?: TagList;
  ifNoneMatch?: TagList;
}

// RFC 9110 entity-tag: an optional weak prefix and a quoted string of etagc characters.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^[1-9]\d{0,14}$/;
/** A list's bound: DynamoDB's IN, which the write's condition uses, takes at most 100 values. */
export const MAX_LISTED_TAGS = 100;

function parseTagList(header: string | undefined, field: ConditionHeader): TagList | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const invalid = (message: string) => badRequest(`invalid ${field} header`, [{ field, message }]);
  const parts = value.split(',');
  if (parts.length > MAX_LISTED_TAGS) {
    throw invalid(`must list at most ${MAX_LISTED_TAGS} entity tags`);
  }
  const strong = new Set<number>();
  const weak = new Set<number>();
  for (const part of parts) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match)
      throw invalid('must be "*" or a list of entity tags such as "3" (an ETag of this API)');
    const [, weakPrefix, opaque = ''] = match;
    // A tag this API never issued names no version, so it matches nothing.
    if (!VERSION.test(opaque)) continue;
    weak.add(Number(opaque));
    if (weakPrefix === undefined) strong.add(Number(opaque));
  }
  return { strong: [...strong], weak: [...weak] };
}

/** The request's If-Match and If-None-Match; a malformed one is a 400 naming it. */
export function readPreconditions(
  header: (name: ConditionHeader) => string | undefined,
): Preconditions {
  const ifMatch = parseTagList(header('If-Match'), 'If-Match');
  const ifNoneMatch = parseTagList(header('If-None-Match'), 'If-None-Match');
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
  };
}

/** 412, naming the header whose condition is false, with the task's current ETag. */
export function preconditionFailed(field: ConditionHeader, version: number): HttpError {
  const current = taskETag(version);
  return field === 'If-Match'
    ? new HttpError(
        412,
        'the task has changed since you read it',
        [{ field, message: `does not match the current version ${current}` }],
        { ETag: current },
      )
    : new HttpError(
        412,
        'the task exists, at a version If-None-Match excludes',
        [{ field, message: `matches the current version ${current}` }],
        { ETag: current },
      );
}

/**
 * The preconditions against the task as it stands at `version`: 'proceed', or for a read
 * 'not modified' (304); a false condition of a write, or a false If-Match, throws the 412.
 */
export function evaluatePreconditions(
  { ifMatch, ifNoneMatch }: Preconditions,
  version: number,
  method: 'read' | 'write',
): 'proceed' | 'not modified' {
  if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.strong.includes(version)) {
    throw preconditionFailed('If-Match', version);
  }
  if (ifNoneMatch === '*' || ifNoneMatch?.weak.includes(version)) {
    if (method === 'read') return 'not modified';
    throw preconditionFailed('If-None-Match', version);
  }
  return 'proceed';
}

/**
 * Whether a change can only fail, whatever the task's version: an If-Match naming no version
 * this API could have issued, or If-None-Match: * (a task must exist to be changed).
 */
export function cannotHold({ ifMatch, ifNoneMatch }: Preconditions): boolean {
  return (
    (ifMatch !== undefined && ifMatch !== '*' && ifMatch.strong.length === 0) || ifNoneMatch === '*'
  );
}

/** The condition a PATCH or DELETE is written under. */
function writeCondition({ ifMatch, ifNoneMatch }: Preconditions): WriteCondition {
  return {
    ...(ifMatch === undefined || ifMatch === '*' ? {} : { expectedVersions: ifMatch.strong }),
    ...(ifNoneMatch === undefined || ifNoneMatch === '*'
      ? {}
      : { excludedVersions: ifNoneMatch.weak }),
  };
}

/**
 * A PATCH or DELETE under its preconditions, as DynamoDB's condition on the write. When it is
 * refused, the 412 names the header whose condition the task's version made false. A change
 * that can only fail (cannotHold) is not written: the task is read, to answer 404 or that 412.
 */
export async function writeUnder<T>(
  preconditions: Preconditions,
  task: {
    read: () => Promise<{ version: number } | undefined>;
    write: (condition: WriteCondition) => Promise<T>;
  },
): Promise<T> {
  if (cannotHold(preconditions)) {
    const current = await task.read();
    if (current === undefined) throw taskNotFound();
    evaluatePreconditions(preconditions, current.version, 'write');
  }
  try {
    return await task.write(writeCondition(preconditions));
  } catch (error) {
    if (error instanceof TaskVersionMismatchError) {
      evaluatePreconditions(preconditions, error.currentVersion, 'write');
    }
    throw error;
  }
}
