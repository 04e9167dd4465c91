import { createServer } from 'node:net';

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
