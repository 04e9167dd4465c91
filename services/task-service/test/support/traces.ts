import { randomBytes } from 'node:crypto';
import type { OtlpReceiver, ReceivedSpan } from '@task-manager/testing';

/** A W3C traceparent for a sampled trace, as a caller upstream of the service would send it. */
export function newTraceparent(): { header: string; traceId: string; parentSpanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${parentSpanId}-01`, traceId, parentSpanId };
}

/** The spans the receiver has of one trace. */
export function spansOfTrace(receiver: OtlpReceiver, traceId: string): ReceivedSpan[] {
  return receiver.spans.filter((span) => span.traceId === traceId);
}
