/**
 * A small keep-alive HTTP/1.1 client on node:http: a fixed pool of connections, a deadline per
 * request, and transport failures returned as values (status 0) instead of thrown, because the
 * checks count them rather than stop at the first one.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default: the client's timeoutMs. */
  timeoutMs?: number;
  /** Send the body with chunked transfer encoding (no Content-Length). */
  chunked?: boolean;
}

export interface Reply {
  /** 0 when no HTTP response arrived (connection refused or reset, or the deadline passed). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Wall-clock latency from sending to the last byte of the response. */
  ms: number;
  /** The transport failure when status is 0. */
  error?: string;
  /** performance.now() when the request was sent. */
  startedAt: number;
}

export interface HttpClient {
  readonly baseUrl: string;
  send(req: HttpRequest): Promise<Reply>;
  close(): void;
}

export interface ClientOptions {
  /** Size of the connection pool; requests beyond it queue in the agent. */
  connections: number;
  timeoutMs: number;
  /** false: a new connection per request (startup polling, which must not reuse a socket). */
  keepAlive?: boolean;
}

export function createHttpClient(baseUrl: string, options: ClientOptions): HttpClient {
  const url = new URL(baseUrl);
  const agent = new Agent({
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.connections,
  });

  function send(req: HttpRequest): Promise<Reply> {
    const startedAt = performance.now();
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined && !req.chunked) {
      headers['content-length'] = Buffer.byteLength(req.body);
    }
    return new Promise((resolve) => {
      let settled = false;
      const finish = (reply: Omit<Reply, 'ms' | 'startedAt'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ...reply, ms: performance.now() - startedAt, startedAt });
      };
      const fail = (error: string): void => finish({ status: 0, headers: {}, body: '', error });
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => fail(describe(error)));
          res.on('end', () =>
            finish({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      const deadline = setTimeout(() => {
        fail(`no response within ${req.timeoutMs ?? options.timeoutMs} ms`);
        outgoing.destroy();
      }, req.timeoutMs ?? options.timeoutMs);
      outgoing.on('error', (error) => fail(describe(error)));
      if (req.chunked && req.body !== undefined) {
        const body = Buffer.from(req.body);
        for (let offset = 0; offset < body.length; offset += 16_384) {
          outgoing.write(body.subarray(offset, offset + 16_384));
        }
        outgoing.end();
      } else {
        outgoing.end(req.body);
      }
    });
  }

  return { baseUrl, send, close: () => agent.destroy() };
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}

/** The parsed JSON body, or undefined when the body is not JSON. */
export function jsonBody(reply: Reply): unknown {
  try {
    return JSON.parse(reply.body) as unknown;
  } catch {
    return undefined;
  }
}
