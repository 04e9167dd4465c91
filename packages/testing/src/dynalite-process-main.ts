/**
 * The child side of startDynaliteProcess (dynalite-process.ts): dynalite in memory, its
 * endpoint printed as one JSON line, stopped by SIGTERM.
 */
import { startDynalite } from './dynalite-server.ts';

const dynamo = await startDynalite();
process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint })}\n`);
process.on('SIGTERM', () => {
  void dynamo.stop().then(() => process.exit(0));
});
