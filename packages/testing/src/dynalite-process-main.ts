/**
 * The child side of startDynaliteProcess: dynalite, in memory or on disk (argv[2]), sends
 * { op: 'ready', endpoint } once, then answers each { op: 'stop' | 'start' } with the same op.
 */
import { startDynalite } from './dynalite-server.ts';

const dynamo = await startDynalite({ path: process.argv[2] });
process.on('message', ({ op }: { op: 'stop' | 'start' }) => {
  void dynamo[op]().then(() => process.send?.({ op }));
});
// The parent going away (even by SIGKILL) closes the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ op: 'ready', endpoint: dynamo.endpoint });
