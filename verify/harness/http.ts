/**
 * A keep-alive HTTP client on node:http (fetch would normalise `..` in paths) that returns
 * transport failures as status 0, for the checks to count; and the rules every answer is held to.
 */
import { once } from 'node:events';
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { errorBody } from '@task-manager/task-service/responses';
import { OpenApiValidator } from '@task-manager/testing';

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

export function createHttpClient(baseUrl: string, { connections = 1, timeoutMs = 10_000 } = {}) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });

  const send = async (req: HttpRequest): Promise<Reply> => {
    const startedAt = performance.now();
    const { method, path, body, chunked } = req;
    // Node frames a body by itself for POST, not for every method: said here for all.
    const length =
      body === undefined || chunked ? {} : { 'content-length': Buffer.byteLength(body) };
    const signal = AbortSignal.timeout(timeoutMs);
    const headers = { ...req.headers, ...length };
    const outgoing = request({ host: hostname, port, method, path, headers, agent, signal });
    // A write before end() sends the headers without a length: the body goes chunked.
    if (chunked && body !== undefined) outgoing.write(body);
    outgoing.end(chunked ? undefined : body);
    // Errors before the response fail the request (once() below); later ones, like the server
    // closing while an over-limit body is still going out, do not change its answer.
    outgoing.on('error', () => {});
    let reply: Omit<Reply, 'startedAt' | 'ms'>;
    try {
      const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
      // Decoded as sent: TextDecoder (consumers' text()) would drop a byte order mark.
      const body = (await buffer(response)).toString('utf8');
      reply = { status: response.statusCode ?? 0, headers: response.headers, body };
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      const reason = signal.aborted ? `no response within ${timeoutMs} ms` : message;
      reply = { status: 0, headers: {}, body: '', error: `${code ? `${code}: ` : ''}${reason}` };
    }
    return { ...reply, startedAt, ms: performance.now() - startedAt };
  };

  return { send, close: () => agent.destroy() };
}

/** The parsed JSON text, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
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
 * What is wrong with an error reply: its body must be the API's one error shape (the service's
 * own `errorBody` schema, from which openapi.yaml's Error is generated), in JSON, with an
 * X-Request-Id, leaking nothing.
 */
export function errorBodyProblems(reply: Reply): string[] {
  const type = String(reply.headers['content-type'] ?? '');
  const body = parseJson(reply.body);
  const shape = errorBody.safeParse(body);
  const problems = [
    !type.startsWith('application/json') && `content-type "${type}"`,
    body === undefined && 'body is not JSON',
    ...(body === undefined || shape.success
      ? []
      : shape.error.issues.map(
          (issue) => `${['body', ...issue.path].join('.')}: ${issue.message}`,
        )),
    !reply.headers['x-request-id'] && 'no X-Request-Id header',
    ...LEAKS.map(([kind, pattern]) => {
      const found = pattern.exec(reply.body)?.[0];
      return found !== undefined && `${kind} in body: "${found.slice(0, 80)}"`;
    }),
  ];
  return problems.filter((problem) => problem !== false);
}

/** The contract, read once: the routes of api-fixture.ts, and the check of every answer. */
export const contract = new OpenApiValidator();

/**
 * What the contract finds wrong with `reply` (its status documented for the operation, its
 * headers, media type and body); nothing for a request outside the contract (an unknown route or
 * method), which only the error shape judges (errorBodyProblems), or one that got no answer.
 */
export function contractProblems(request: HttpRequest, reply: Reply): string[] {
  if (reply.status === 0 || !contract.documents(request.method, request.path)) return [];
  const { status, headers, body: text } = reply;
  return contract.problems(request.method, request.path, { status, headers, text });
}

/**
 * What is wrong with the answer to a request that must get one of `expect`: another status, an
 * answer off the contract or, for an error, a body that breaks the rules above or whose details
 * do not name `field` (the one the request got wrong, when there is one).
 */
export function replyProblems(
  request: HttpRequest,
  reply: Reply,
  expect: readonly number[],
  field?: string,
): string[] {
  if (!expect.includes(reply.status)) {
    return [`answered ${reply.status || reply.error}, expected ${expect.join('/')}`];
  }
  const errorProblems = reply.status >= 400 ? errorBodyProblems(reply) : [];
  const problems = [...errorProblems, ...contractProblems(request, reply)];
  if (problems.length === 0 && field && !detailFields(reply).includes(field.toLowerCase())) {
    problems.push(`the details do not name "${field}"`);
  }
  return problems;
}

/** The fields the error's details name, in lower case. */
function detailFields(reply: Reply): string[] {
  const details = (parseJson(reply.body) as { details?: unknown } | null | undefined)?.details;
  return Array.isArray(details)
    ? details.map((detail: { field?: unknown }) => String(detail?.field).toLowerCase())
    : [];
}
