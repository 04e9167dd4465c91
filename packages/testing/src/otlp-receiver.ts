/**
 * A real OTLP/HTTP trace receiver: POST /v1/traces in protobuf or JSON, gzip or not, decoded
 * into spans as a collector would. Protobuf is decoded by protobufjs with the protocol's own
 * messages (otlp-traces.proto). protobufjs is a root devDependency: declared by this package,
 * npm would install it into the production images.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type * as Protobuf from 'protobufjs';

const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
const messages = protobuf.loadSync(fileURLToPath(new URL('otlp-traces.proto', import.meta.url)));
const messageType = (name: string) =>
  messages.lookupType(`opentelemetry.proto.collector.trace.v1.${name}`);
const ExportTraceServiceRequest = messageType('ExportTraceServiceRequest');
const ExportTraceServiceResponse = messageType('ExportTraceServiceResponse');

export type Encoding = 'protobuf' | 'json';

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUS_CODES = ['unset', 'ok', 'error'] as const;

export interface ReceivedSpan {
  /** Lower-case hex, as in traceparent. */
  traceId: string;
  spanId: string;
  /** undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: (typeof SPAN_KINDS)[number];
  attributes: Record<string, unknown>;
  status: { code: (typeof STATUS_CODES)[number]; message?: string };
  /** The attributes of the resource that sent it (service.name, k8s.pod.name, ...). */
  resource: Record<string, unknown>;
  scope: string;
  encoding: Encoding;
}

export interface ExportRequest {
  contentType: string;
  bytes: number;
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (exporters append /v1/traces). */
  endpoint: string;
  /** Every HTTP request received, whatever its path or type. */
  readonly requests: readonly ExportRequest[];
  readonly spans: readonly ReceivedSpan[];
  /** While true, requests are read but left unanswered: a collector that stopped responding. */
  hold: boolean;
  release(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

/**
 * An OTLP AnyValue as a plain value (int64 values arrive as strings or numbers). Span
 * attributes in OpenTelemetry JS are primitives or arrays of them, so maps are not read.
 */
function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) {
    return ((value.arrayValue as Json).values as Json[] | undefined)?.map(anyValue) ?? [];
  }
  return undefined;
}

function attributes(list: Json[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value as Json)]));
}

/** Span and trace ids: hex in OTLP/JSON, bytes (base64 after toObject) in protobuf. */
function id(value: unknown, encoding: Encoding): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return encoding === 'json' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
}

/** The spans of one ExportTraceServiceRequest, in its JSON shape. */
function spansOf(request: Json, encoding: Encoding): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of (request.resourceSpans as Json[] | undefined) ?? []) {
    const resource = attributes((resourceSpans.resource as Json | undefined)?.attributes as Json[]);
    for (const scopeSpans of (resourceSpans.scopeSpans as Json[] | undefined) ?? []) {
      const scope = String((scopeSpans.scope as Json | undefined)?.name ?? '');
      for (const span of (scopeSpans.spans as Json[] | undefined) ?? []) {
        const status = (span.status as Json | undefined) ?? {};
        spans.push({
          traceId: id(span.traceId, encoding) ?? '',
          spanId: id(span.spanId, encoding) ?? '',
          parentSpanId: id(span.parentSpanId, encoding),
          name: String(span.name),
          kind: SPAN_KINDS[Number(span.kind ?? 0)] ?? 'unspecified',
          attributes: attributes(span.attributes as Json[]),
          status: {
            code: STATUS_CODES[Number(status.code ?? 0)] ?? 'unset',
            ...(typeof status.message === 'string' && status.message !== ''
              ? { message: status.message }
              : {}),
          },
          resource,
          scope,
          encoding,
        });
      }
    }
  }
  return spans;
}

/** protobufjs's plain object, shaped as OTLP/JSON but for ids (base64 bytes, not hex). */
const TO_JSON = { longs: String, bytes: String };

function decode(body: Buffer, encoding: Encoding): ReceivedSpan[] {
  if (encoding === 'json') return spansOf(JSON.parse(body.toString('utf8')) as Json, 'json');
  const object = ExportTraceServiceRequest.toObject(
    ExportTraceServiceRequest.decode(body),
    TO_JSON,
  );
  return spansOf(object as Json, 'protobuf');
}

const MEDIA_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;
const EMPTY_ANSWERS = { protobuf: ExportTraceServiceResponse.encode({}).finish(), json: '{}' };

function encodingOf(contentType: string): Encoding | undefined {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (['protobuf', 'json'] as const).find((encoding) => MEDIA_TYPES[encoding] === mediaType);
}

/** Starts a receiver on a loopback ephemeral port; `decode: false` only counts (for benchmarks). */
export async function startOtlpReceiver(options: { decode?: boolean } = {}): Promise<OtlpReceiver> {
  const decodeSpans = options.decode ?? true;
  const requests: ExportRequest[] = [];
  const spans: ReceivedSpan[] = [];
  const held: (() => void)[] = [];

  const answer = (response: ServerResponse, encoding: Encoding): void => {
    response.writeHead(200, { 'Content-Type': MEDIA_TYPES[encoding] }).end(EMPTY_ANSWERS[encoding]);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const contentType = request.headers['content-type'] ?? '';
      const received = await buffer(request);
      const gzipped = request.headers['content-encoding'] === 'gzip';
      const body = gzipped ? gunzipSync(received) : received;
      requests.push({ contentType, bytes: body.length });
      const encoding = encodingOf(contentType);
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      if (encoding === undefined) {
        response.writeHead(415).end();
        return;
      }
      if (decodeSpans) spans.push(...decode(body, encoding));
      if (receiver.hold) held.push(() => answer(response, encoding));
      else answer(response, encoding);
    })().catch((error: unknown) => {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const receiver: OtlpReceiver = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    spans,
    hold: false,
    release() {
      for (const respond of held.splice(0)) respond();
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
  return receiver;
}
