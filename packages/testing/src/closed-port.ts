import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port nothing listens on (it was free a moment ago): where a server that is down
 * would be, so a connection to it is refused.
 */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
