import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

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
