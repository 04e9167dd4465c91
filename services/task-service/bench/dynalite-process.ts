/**
 * dynalite in its own process for the benchmark, so the load generator, task-service and the
 * database each get their own event loop. Prints {"endpoint": ...} once listening.
 */
import { startDynalite } from '@task-manager/testing';

const dynamo = await startDynalite();
process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint })}\n`);
process.on('SIGTERM', () => {
  void dynamo.stop().then(() => process.exit(0));
});
