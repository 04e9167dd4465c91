/**
 * Everything the task-service instances and report jobs started by the other checks wrote:
 * JSON lines only on stdout, and not one occurrence of the secrets planted in their environment
 * (AWS_SECRET_ACCESS_KEY, OIDC_CLIENT_SECRET, SESSION_KEYS) or sent in request headers (every
 * access token used, a cookie).
 */
import type { Check } from '../harness/check.ts';

export const logsCheck: Check = {
  name: 'No secrets in logs',
  async run({ logs }) {
    const failures: string[] = [];
    const leaked = [...logs.leaks.values()].reduce((sum, count) => sum + count, 0);
    if (logs.lines === 0) failures.push('no log line was read (no process ran before this check)');
    if (leaked > 0) failures.push(`${leaked} lines contain a planted secret`);
    if (logs.nonJson > 0) {
      failures.push(
        `${logs.nonJson} stdout lines are not JSON, e.g. ${logs.nonJsonSamples.join(' | ')}`,
      );
    }
    return {
      figures: [
        `${logs.lines} lines read (${logs.stderrLines} on stderr)`,
        `${leaked} with a secret (${logs.watched} watched: planted, tokens, keys)`,
        `${logs.nonJson} non-JSON stdout lines`,
      ],
      failures,
    };
  },
};
