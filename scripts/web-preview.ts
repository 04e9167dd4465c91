/**
 * The UI part of `npm start`: `vite preview`, in this process, serves the built web/dist and
 * proxies /api, /auth and /health to task-service, so the browser sees the UI and the API on one
 * origin as it does behind the Ingress. It also sends the production Content-Security-Policy.
 * web/vite.config.ts says which paths go to the API and which headers go out.
 *
 * It starts first: its address is the app's public URL, which the identity provider and
 * task-service are configured with. Where task-service listens is known only after that, and
 * under `npm run dev` it can change with every restart, so the proxy is pointed at it later
 * (routeApiTo); until then, and whenever task-service refuses connections (while `npm run dev`
 * restarts it), the API's paths answer 503 "starting", with Retry-After. A page opened at
 * another name of the machine (127.0.0.1) is sent to that address first.
 */
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Vite from 'vite';
import { answerApiDown, refused } from '../web/api-proxy.ts';
import { portInUse } from './local-config.ts';

export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/**
 * The web workspace's own Vite, the one its config and plugins are written for (were the root's
 * declared version ever to differ), loaded only when the UI starts.
 */
async function importVite(): Promise<typeof Vite> {
  const require = createRequire(join(WEB_DIR, 'package.json'));
  return (await import(pathToFileURL(require.resolve('vite')).href)) as typeof Vite;
}

export interface WebPreview {
  /** The address people open: http://localhost:<port>. */
  origin: string;
  /** Sends what goes to the API (/api, /auth, /health) to task-service at `origin`. */
  routeApiTo(origin: string): void;
  close(): Promise<void>;
}

/** The address people open: localhost, which the app's settings name, at the port it got. */
const originOf = (server: Vite.PreviewServer['httpServer']) =>
  `http://localhost:${(server.address() as AddressInfo).port}`;

/**
 * Starts `vite preview` on 127.0.0.1:port (0: any free port; strictPort: a busy port is an
 * error, not a surprise elsewhere) and resolves once it listens.
 */
export async function startWebPreview(options: { port: number }): Promise<WebPreview> {
  const vite = await importVite();
  if (options.port === 0) return retryLostPort(() => previewOn(vite, 0));
  return previewOn(vite, options.port).catch((error: unknown) => {
    throw lostPort(error) ? portInUse('WEB_PORT', options.port, error) : error;
  });
}

/** Vite's own error for a port it could not bind carries no code, only this message. */
const lostPort = (error: unknown) =>
  error instanceof Error && /^Port \d+ is already in use$/.test(error.message);

/**
 * Vite does not listen on port 0 and read the port back: it finds a free port, closes it and
 * binds it again, so another process can take it in between. When any port will do, that is a
 * race lost, not a busy port: start again, on another free port (`attempts` times at most).
 */
export async function retryLostPort<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!lostPort(error) || attempt === attempts) throw error;
    }
  }
}

async function previewOn(vite: typeof Vite, port: number): Promise<WebPreview> {
  // Until routeApiTo, the API's paths answer "starting": never vite.config.ts's default target
  // (127.0.0.1:3000, maybe another app's).
  let routed = false;
  const server = await vite.preview({
    root: WEB_DIR,
    // Vite logs every proxy error with its stack; a refused connection is answered 503 instead
    // (web/api-proxy.ts), and under `npm run dev` it is expected at every restart.
    customLogger: withoutRefusedConnections(vite.createLogger('warn')),
    preview: { port, strictPort: true, host: '127.0.0.1', open: false },
    plugins: [inFrontOfVite(() => !routed)],
  });
  // The proxy reads its options on each request (http-proxy copies them per request), so a
  // target set here routes every request from then on.
  const routes = Object.values(server.config.preview.proxy ?? {}).filter(
    (route): route is Vite.ProxyOptions => typeof route === 'object',
  );
  const routeApiTo = (origin: string) => {
    for (const route of routes) route.target = origin;
    routed = true;
  };
  return {
    origin: originOf(server.httpServer),
    routeApiTo,
    close: () => server.close(),
  };
}

/**
 * What `npm start` adds in front of Vite's own middlewares (the proxy among them), for the two
 * kinds of path:
 * - The API's, until the proxy is pointed at task-service: answered as while it does not listen
 *   (web/api-proxy.ts), 503 with Retry-After, never sent to vite.config.ts's default target.
 * - A page opened at another name of this server (http://127.0.0.1:8080 for
 *   http://localhost:8080): sent to the same path at the app's address, the PUBLIC_URL that
 *   task-service and the identity provider are given, so the page's links and API calls are
 *   made there (/auth/login at another name would be sent there by task-service itself). The
 *   API's paths are left alone, for scripts that call them at either name.
 */
function inFrontOfVite(notRouted: () => boolean): Vite.Plugin {
  return {
    name: 'task-manager:in-front-of-vite',
    configurePreviewServer(server) {
      const apiPaths = Object.keys(server.config.preview.proxy ?? {});
      server.middlewares.use((req, res, next) => {
        const path = req.url ?? '';
        if (apiPaths.some((prefix) => path.startsWith(prefix))) {
          return notRouted() ? answerApiDown(res) : next();
        }
        const origin = originOf(server.httpServer);
        const page = (req.method === 'GET' || req.method === 'HEAD') && path.startsWith('/');
        if (!page || req.headers.host?.toLowerCase() === new URL(origin).host) return next();
        res.writeHead(302, { Location: `${origin}${path}` }).end();
      });
    },
  };
}

/** `logger`, leaving out the proxy's refused connections, which are answered 503 instead. */
function withoutRefusedConnections(logger: Vite.Logger): Vite.Logger {
  const { error } = logger;
  logger.error = (message, options) => {
    if (!refused(options?.error)) error(message, options);
  };
  return logger;
}
