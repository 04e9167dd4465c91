/**
 * A keep-alive HTTP client on node:http (fetch would normalise `..` in paths) that returns
 * transport failures as status 0, for the checks to count; and the rules for error bodies.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body with chunked transfer encoding (no Content-Length). */
  chunked?: boolean;
}

export interface Reply {
  /** 0 when no HTTP response arrived (connection refused or reset, or the deadline passed). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The transport failure when status is 0. */
  error?: string;
  /** performance.now() when the request was sent, and the time to the response's last byte. */
  startedAt: number;
  ms: number;
}

export type HttpClient = ReturnType<typeof createHttpClient>;

/** `keepAlive: false` opens a connection per request, as the kubelet's probes do. */
export function createHttpClient(
  baseUrl: string,
  { connections = 1, timeoutMs = 10_000, keepAlive = true } = {},
) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive, maxSockets: connections });

  const send = (req: HttpRequest): Promise<Reply> =>
    new Promise((resolve) => {
      const startedAt = performance.now();
      // Only the first call counts (a promise settles once).
      const finish = (reply: Pick<Reply, 'status' | 'headers' | 'body' | 'error'>): void => {
        clearTimeout(deadline);
        resolve({ ...reply, startedAt, ms: performance.now() - startedAt });
      };
      const fail = (error: NodeJS.ErrnoException): void =>
        finish({
          status: 0,
          headers: {},
          body: '',
          error: `${error.code ? `${error.code}: ` : ''}${error.message}`,
        });
      const { method, path, body, chunked } = req;
      // Node frames a body by itself for POST, not for every method: said here for all.
      const length =
        body === undefined || chunked ? {} : { 'content-length': Buffer.byteLength(body) };
      const headers = { ...req.headers, ...length };
      const outgoing = request({ host: hostname, port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          finish({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      });
      const deadline = setTimeout(
        () => outgoing.destroy(new Error(`no response within ${timeoutMs} ms`)),
        timeoutMs,
      );
      outgoing.on('error', fail);
      if (chunked && body !== undefined) {
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += 16_384) {
          outgoing.write(bytes.subarray(at, at + 16_384));
        }
        outgoing.end();
      } else {
        outgoing.end(body);
      }
    });

  return { baseUrl, send, close: () => agent.destroy() };
}

/** The parsed JSON body, or undefined when the body is not JSON. */
export function jsonBody(reply: Reply): unknown {
  try {
    return JSON.parse(reply.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Internal details a client must never see in an error body. */
const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat [\w$.<>[\] ]+ \(?[^()\s]+:\d+:\d+\)?/],
  ['stack frame', /\\n\s+at \S/],
  ['file path', /(?:^|[\s"'(])\/(?:work|app|home|usr|opt|tmp|var|srv)\/[\w./-]+/],
  ['file path', /\bnode_modules\b|\bfile:\/\//],
  ['file path', /\b[\w-]+\.(?:ts|js|mjs|cjs):\d+/],
  [
    'exception class',
    /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|EvalError|URIError|AggregateError|ZodError|TaskItemError|\w+Exception)\b/,
  ],
];

/**
 * What is wrong with an error reply (services/task-service/openapi.yaml): it must be JSON
 * `{ error: string, details: [{ field, message }] }` with an X-Request-Id, leaking nothing.
 */
export function errorBodyProblems(reply: Reply): string[] {
  const type = String(reply.headers['content-type'] ?? '');
  const body = jsonBody(reply) as { error?: unknown; details?: unknown } | null | undefined;
  const details = body?.details;
  const problems = [
    !type.startsWith('application/json') && `content-type "${type}"`,
    body === undefined && 'body is not JSON',
    (typeof body?.error !== 'string' || body.error === '') && 'no "error" string',
    !(
      Array.isArray(details) &&
      details.every(
        (d: { field?: unknown; message?: unknown } | null) =>
          typeof d?.field === 'string' && typeof d.message === 'string',
      )
    ) && 'no "details" array of string field and message',
    !reply.headers['x-request-id'] && 'no X-Request-Id header',
    ...LEAKS.map(([kind, pattern]) => {
      const found = pattern.exec(reply.body)?.[0];
      return found !== undefined && `${kind} in body: "${found.slice(0, 80)}"`;
    }),
  ];
  return problems.filter((problem) => problem !== false);
}

/** The fields the error's details name. */
export function detailFields(reply: Reply): string[] {
  const details = (jsonBody(reply) as { details?: unknown } | null | undefined)?.details;
  return Array.isArray(details)
    ? details.map((detail: { field?: unknown }) => String(detail?.field))
    : [];
}
