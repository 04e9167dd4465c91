/**
 * The child side of startDynaliteProcess (dynalite-process.ts): dynalite, in memory or on disk
 * (argv[2]), driven over the IPC channel. Messages in: { op: 'stop' | 'start' }. Messages out:
 * { op: 'ready', endpoint } once, then { op: 'stopped' | 'started' } per request.
 */
import { startDynalite } from './dynalite-server.ts';

const path = process.argv[2];
const dynamo = await startDynalite(path === undefined ? {} : { path });
process.on('message', (message: { op?: string }) => {
  const reply = (op: string): void => void process.send?.({ op });
  if (message.op === 'stop') void dynamo.stop().then(() => reply('stopped'));
  else if (message.op === 'start') void dynamo.start().then(() => reply('started'));
});
// The parent going away (even by SIGKILL) closes the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ op: 'ready', endpoint: dynamo.endpoint });
