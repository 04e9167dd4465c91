/**
 * How the Vite servers (the dev server, and `vite preview` under `npm start`) forward the API's
 * paths to task-service, as the Ingress does in the cluster: every header line as sent, and a
 * 503 in the API's error shape while task-service does not listen.
 */
import type { ServerResponse } from 'node:http';
import type { ProxyOptions } from 'vite';

type Configure = NonNullable<ProxyOptions['configure']>;

/**
 * Node's HTTP server keeps the first line of a header that carries one value (Authorization,
 * Content-Type…) and drops the rest, and the proxy forwards what Node kept; nginx and the Ingress
 * forward every line as sent. Sending each header's lines as they came lets task-service see what
 * it sees in the cluster: a repeated Authorization is refused there, not quietly cut here.
 */
const forwardEveryHeaderLine: Configure = (server) => {
  server.on('proxyReq', (proxyRequest, request) => {
    for (const [name, lines] of Object.entries(request.headersDistinct)) {
      if (lines !== undefined && lines.length > 1) proxyRequest.setHeader(name, lines);
    }
  });
};

/** A connection task-service refused: nothing listens there (not started yet, or restarting). */
export const refused = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED';

/**
 * 503 with Retry-After, in the API's error shape: the status the Ingress gives while no Pod is
 * ready.
 */
export function answerApiDown(res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
  res.end(
    JSON.stringify({
      error: 'task-service is starting, try again shortly',
      details: [{ field: 'task-service', message: 'is not listening' }],
    }),
  );
}

/**
 * A refused connection is answered 503 instead of the proxy's bare 502. Only that: a request
 * task-service accepted and then lost may have been carried out, and keeps the 502. (This
 * listener comes before Vite's own, which then finds the answer sent and only logs.)
 */
const answerWhileApiIsDown: Configure = (server) => {
  server.on('error', (error, _request, res) => {
    if (refused(error) && 'writeHead' in res && !res.headersSent) answerApiDown(res);
  });
};

/** The proxy of the API's paths to task-service at `target`. */
export function apiProxy(target: string): ProxyOptions {
  return {
    target,
    configure(server, options) {
      forwardEveryHeaderLine(server, options);
      answerWhileApiIsDown(server, options);
    },
  };
}
