/** Every line the children wrote: JSON on stdout, and no planted or sent secret anywhere. */
import type { Outcome, VerifyContext } from '../harness/context.ts';
import { parseJson } from '../harness/http.ts';

/** Reads every line the children write (spawnChild's onLine). */
export class LogAudit {
  lines = 0;
  stderrLines = 0;
  withSecret = 0;
  readonly nonJson: string[] = [];
  /** Planted secrets, and those learnt later (an access token once it is issued). */
  readonly secrets = new Set<string>();

  readonly scan = (line: string, stream: 'stdout' | 'stderr'): void => {
    this.lines++;
    const jsonObject = line.startsWith('{') && parseJson(line) !== undefined;
    if (stream === 'stderr') this.stderrLines++;
    else if (!jsonObject) this.nonJson.push(line.slice(0, 160));
    if ([...this.secrets].some((secret) => line.includes(secret))) this.withSecret++;
  };
}

export async function logsCheck({ logs }: VerifyContext): Promise<Outcome> {
  const failures: string[] = [];
  if (logs.lines === 0) failures.push('no log line was read (no process ran before this check)');
  if (logs.withSecret > 0) failures.push(`${logs.withSecret} lines contain a planted secret`);
  if (logs.nonJson.length > 0) {
    failures.push(
      `${logs.nonJson.length} stdout lines are not JSON, e.g. ${logs.nonJson.slice(0, 3).join(' | ')}`,
    );
  }
  return {
    figures: [
      `${logs.lines} lines read (${logs.stderrLines} on stderr)`,
      `${logs.withSecret} with a secret (${logs.secrets.size} watched: planted, tokens, keys)`,
      `${logs.nonJson.length} non-JSON stdout lines`,
    ],
    failures,
  };
}
