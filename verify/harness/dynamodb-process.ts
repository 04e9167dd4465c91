/**
 * Child-process entry point: an embedded DynamoDB server (dynalite) with its data on disk,
 * driven over IPC by verify. It runs in its own process so that its CPU work never stalls the
 * load driver's clock, and so that "DynamoDB is down" means what it means in production: the
 * port refuses connections while the data stays on disk.
 *
 * argv: <data directory>. Messages in: { op: 'stop' | 'start' }. Messages out:
 * { op: 'ready', port } once, then { op: 'stopped' | 'started' } per request.
 */
import { startDynalite } from '@task-manager/testing';

const path = process.argv[2];
if (!path) throw new Error('usage: dynamodb-process.ts <data directory>');

const server = await startDynalite({ path });

process.on('message', (message: { op?: string }) => {
  const reply = (op: string): void => void process.send?.({ op });
  if (message.op === 'stop') void server.stop().then(() => reply('stopped'));
  else if (message.op === 'start') void server.start().then(() => reply('started'));
});
// The parent going away (even by SIGKILL) closes the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ op: 'ready', port: server.port });
