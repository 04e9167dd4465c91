/**
 * Reads every line the children write: the logs on stdout must all be JSON (one structured line
 * per event, as the logs pipeline expects), and no line on either stream may contain a secret
 * verify planted in the children's environment or in request headers.
 */
export class LogAudit {
  lines = 0;
  stderrLines = 0;
  nonJson = 0;
  readonly leaks = new Map<string, number>();
  readonly nonJsonSamples: string[] = [];

  private readonly secrets: string[];

  constructor(secrets: readonly string[]) {
    this.secrets = [...secrets];
  }

  /** A secret learnt later (an access token once it is issued). */
  watchFor(secret: string): void {
    if (!this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** How many secrets are watched for. */
  get watched(): number {
    return this.secrets.length;
  }

  /** A line-handler for spawnChild's onLine. */
  readonly scan = (line: string, stream: 'stdout' | 'stderr'): void => {
    this.lines++;
    if (stream === 'stderr') this.stderrLines++;
    else if (!isJsonObject(line)) {
      this.nonJson++;
      if (this.nonJsonSamples.length < 3) this.nonJsonSamples.push(line.slice(0, 160));
    }
    for (const secret of this.secrets) {
      if (line.includes(secret)) this.leaks.set(secret, (this.leaks.get(secret) ?? 0) + 1);
    }
  };
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
