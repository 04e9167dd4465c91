/**
 * Display names for the reports. The report job only sees user ids (a token's `sub`) in the
 * tasks it counts, so task-service records each person's name in the reports table when they
 * sign in or change a task; the job reads them when it publishes a report. A write happens once
 * per person and name per process, never on every request, and a failed one is only a warning:
 * a report that shows an id instead of a name is better than a request that fails for it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { recordUserName } from '@task-manager/task-store';
import { withoutTracing } from '@task-manager/telemetry';
import type { Identity } from './identity.ts';

/** Names remembered per process; past this, the oldest are forgotten (and written again). */
const REMEMBERED = 10_000;

export interface UserProfiles {
  /** Records the person's current name, in the background; settles when it is stored. */
  remember(identity: Identity): Promise<void>;
}

export function dynamoUserProfiles(
  doc: DynamoDBDocumentClient,
  tableName: string,
  logger: Logger,
): UserProfiles {
  // Each person's name as recorded, or being recorded, by this process. A request that comes
  // while the write is under way waits for it instead of writing again, and a new name is
  // written after the old one, so the last name given is the one stored.
  const recorded = new Map<string, { name: string; write: Promise<void> }>();
  return {
    remember({ userId, name }) {
      const known = recorded.get(userId);
      if (known?.name === name) return known.write;
      const write: Promise<void> = (known?.write ?? Promise.resolve()).then(async () => {
        try {
          // Bookkeeping for the reports, not part of what the request does: kept out of its trace.
          await withoutTracing(() => recordUserName(doc, tableName, userId, name));
        } catch (error) {
          // Forgotten, so that the person's next change tries again.
          if (recorded.get(userId)?.write === write) recorded.delete(userId);
          logger.warn({ userId, err: error }, 'could not record the user’s display name');
        }
      });
      recorded.delete(userId);
      recorded.set(userId, { name, write });
      if (recorded.size > REMEMBERED) recorded.delete(recorded.keys().next().value!);
      return write;
    },
  };
}
