/**
 * The benchmark's OTLP collector, in its own process so that receiving spans does not compete
 * with the load generator's event loop. It counts export requests and bytes without decoding
 * them (a collector's work happens elsewhere in a real cluster). Prints {"endpoint": ...} once
 * listening, and {"requests": n, "bytes": n} when it receives SIGTERM.
 */
import { startOtlpReceiver } from '@task-manager/testing';

const receiver = await startOtlpReceiver({ decode: false });
process.stdout.write(`${JSON.stringify({ endpoint: receiver.endpoint })}\n`);
process.on('SIGTERM', () => {
  const bytes = receiver.requests.reduce((sum, request) => sum + request.bytes, 0);
  process.stdout.write(`${JSON.stringify({ requests: receiver.requests.length, bytes })}\n`);
  void receiver.close().then(() => process.exit(0));
});
