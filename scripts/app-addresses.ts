/**
 * The addresses `npm start` prints once everything is up, and how a program that started it
 * reads them back: with a port of 0 they are known only then. One module for both, so the
 * printing and the reading cannot drift apart.
 */
export interface AppAddresses {
  /** The UI, and the API under /api: http://localhost:<port>, without a trailing slash. */
  origin: string;
  /** task-service itself, on loopback. */
  taskService: string;
  dynamoEndpoint: string;
  /** The development identity provider. */
  issuer: string;
}

export function addressLines(addresses: AppAddresses, dataDir: string): string[] {
  return [
    `  UI       ${addresses.origin}/`,
    `  API      ${addresses.origin}/api   (task-service itself: ${addresses.taskService})`,
    `  DynamoDB ${addresses.dynamoEndpoint}   (dynalite, data in ${dataDir})`,
    `  Sign-in  ${addresses.issuer}   (development identity provider: any name, no password)`,
  ];
}

const LINE = /^ {2}(UI|API|DynamoDB|Sign-in) +(\S+)(?: +\(task-service itself: (\S+)\))?/;

/** The addresses in npm start's output so far; undefined until it has printed them all. */
export function appAddressesIn(output: string): AppAddresses | undefined {
  const found = new Map<string, string>();
  let taskService: string | undefined;
  for (const line of output.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    found.set(match[1]!, match[2]!);
    taskService ??= match[3];
  }
  const ui = found.get('UI');
  const dynamoEndpoint = found.get('DynamoDB');
  const issuer = found.get('Sign-in');
  if (!ui || !taskService || !dynamoEndpoint || !issuer) return undefined;
  return { origin: ui.replace(/\/$/, ''), taskService, dynamoEndpoint, issuer };
}
