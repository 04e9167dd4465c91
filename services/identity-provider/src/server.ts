/**
 * Runs the development identity provider on a port: `startIdentityProvider()` is what `npm start`,
 * the tests and main.ts (the container) call.
 *
 * The provider always describes itself with its public issuer URL, whichever address a request
 * came to. A browser reaches it at the issuer (http://localhost:9000 with npm start, the Ingress in
 * a cluster) while task-service may reach it by another name (a Service's DNS name): discovery
 * must still list the public endpoints, or the browser would be sent to an address it cannot
 * reach. So every request is treated as if addressed to the issuer's host.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestIdFrom, requestLogOptions } from '@task-manager/runtime';
import { interactions } from './interactions.ts';
import { generateSigningKeys, type SigningKeys } from './keys.ts';
import { appUrl, createProvider, type WebClient } from './provider.ts';
import { answerErrors, errorFields, recordedError, recordError } from './request-errors.ts';

export interface IdentityProviderOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (all interfaces in a container: '0.0.0.0'). */
  host?: string;
  /**
   * The public issuer URL; default http://localhost:<port>. Its path, if any, is served too. A
   * function is given the port listened on: an issuer that names port 0's pick, race-free.
   */
  issuer?: string | ((port: number) => string);
  webClient: WebClient;
  cliClientId?: string;
  apiAudience: string;
  /** Signing keys (a private JWKS); generated when absent. */
  keys?: SigningKeys;
  /** Secrets for the provider's own cookies; random when absent. */
  cookieKeys?: string[];
  accessTokenTtlSeconds?: number;
  adminUsers?: Iterable<string>;
  adminGroup?: string;
  logger?: Logger;
}

export interface RunningIdentityProvider {
  issuer: string;
  port: number;
  server: Server;
  /** The public half of the signing keys, as the JWKS endpoint serves them. */
  keys: SigningKeys;
  close(): Promise<void>;
}

export const DEFAULT_CLI_CLIENT_ID = 'task-manager-cli';
export const DEFAULT_ADMIN_GROUP = 'task-admins';
const HEALTH = new Set(['/health/liveness', '/health/readiness', '/health/startup']);

export async function startIdentityProvider(
  options: IdentityProviderOptions,
): Promise<RunningIdentityProvider> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const server = createServer();
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const issuer =
    typeof options.issuer === 'function'
      ? options.issuer(port)
      : (options.issuer ?? `http://localhost:${port}`);
  const issuerUrl = new URL(issuer);
  const basePath = issuerUrl.pathname.replace(/\/$/, '');
  const interactionUrl = `${basePath}/interaction`;
  const keys = options.keys ?? (await generateSigningKeys());
  const adminUsers = new Set(options.adminUsers ?? ['admin']);
  const provider = createProvider(
    {
      issuer,
      keys,
      cookieKeys: options.cookieKeys ?? [randomBytes(32).toString('base64url')],
      webClient: options.webClient,
      cliClientId: options.cliClientId ?? DEFAULT_CLI_CLIENT_ID,
      apiAudience: options.apiAudience,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 600,
      adminUsers,
      adminGroup: options.adminGroup ?? DEFAULT_ADMIN_GROUP,
    },
    interactionUrl,
  );
  // Each request's error, for its one log line: those the provider answers itself (one event
  // for each endpoint this configuration serves, provider.ts, and one for the rest), and those
  // answered by answerErrors.
  const record = (ctx: { req: IncomingMessage }, error: unknown) => recordError(ctx.req, error);
  provider.on('authorization.error', record);
  provider.on('grant.error', record);
  provider.on('userinfo.error', record);
  provider.on('jwks.error', record);
  provider.on('discovery.error', record);
  provider.on('end_session.error', record);
  provider.on('end_session_confirm.error', record);
  provider.on('end_session_success.error', record);
  provider.on('server_error', record);
  provider.use(answerErrors(appUrl(options.webClient)));
  // Trust the forwarded host and protocol, and set them to the issuer's (see the top comment).
  provider.proxy = true;
  provider.use(async (ctx, next) => {
    ctx.request.headers['x-forwarded-host'] = issuerUrl.host;
    ctx.request.headers['x-forwarded-proto'] = issuerUrl.protocol.slice(0, -1);
    await next();
  });
  provider.use(
    interactions(provider, {
      interactionUrl,
      adminUsers,
      apiAudience: options.apiAudience,
      redirectUris: options.webClient.redirectUris,
    }),
  );

  // The path as requested: mounted at the issuer's path, req.url loses that prefix (below).
  const pathOf = (req: IncomingMessage & { originalUrl?: string }) =>
    (req.originalUrl ?? req.url ?? '/').split('?')[0]!;
  const localPath = (path: string) =>
    basePath && path.startsWith(basePath) ? path.slice(basePath.length) : path;
  const requestLog = pinoHttp(
    requestLogOptions(logger, {
      requestId(req, res) {
        const id = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      failed: (req) => recordedError(req) !== undefined,
      // The kubelet probes every few seconds: at debug level, so they do not drown sign-ins.
      quiet: (req) => HEALTH.has(localPath(pathOf(req))),
      fields(req, res) {
        const error = recordedError(req);
        // Query strings carry codes and states: only the path is logged.
        return {
          method: req.method,
          path: pathOf(req),
          status: res.statusCode,
          ...(error !== undefined && errorFields(error, res.statusCode)),
        };
      },
    }),
  );

  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requestLog(req, res);
    const path = pathOf(req);
    const local = localPath(path);
    if (HEALTH.has(local)) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end('{"status":"ok"}');
      return;
    }
    if (basePath) {
      if (!path.startsWith(`${basePath}/`) && path !== basePath) {
        const notFound = { error: 'not_found' };
        recordError(req, notFound);
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify(notFound));
        return;
      }
      // Mounted at the issuer's path: oidc-provider reads the mount path from originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(basePath.length) || '/';
    }
    void handle(req, res);
  });

  logger.info({ issuer, port }, 'identity provider listening');
  return {
    issuer,
    port,
    server,
    keys: {
      keys: keys.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub),
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
