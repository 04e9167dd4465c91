import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * A loopback port nobody listens on right now, for programs that take their port from the
 * environment and cannot report one they chose themselves (npm start's WEB_PORT and friends).
 * Another process could take it before the program does; where a program can listen on port 0
 * and say which port it got, prefer that.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/**
 * The port a child process says it listens on, from the first line of its output that names
 * one (`portIn`): how a harness learns the port of a program it started on port 0, with nothing
 * to race for. The rest of the output keeps flowing, unread (a full pipe would block the
 * child); it rejects if the output ends first.
 */
export async function portFromOutput(
  output: Readable,
  portIn: (line: string) => number | undefined,
): Promise<number> {
  for await (const line of createInterface({ input: output })) {
    const port = portIn(line);
    // Leaving the loop closes the reader and leaves the stream flowing, unread.
    if (port !== undefined) return port;
  }
  throw new Error('the output ended before it named a listening port');
}
