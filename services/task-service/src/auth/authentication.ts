/**
 * Who a request acts for. A request authenticates with `Authorization: Bearer <access token>`
 * (scripts, other services) or with the session cookie that signing in at /auth/login leaves in
 * the browser. Nothing else counts: no header names a user (X-Forwarded-User is read nowhere).
 *
 * The cookie is an ambient credential, sent by the browser whoever made the page that sends the
 * request, so an unsafe request (POST, PUT, PATCH, DELETE) it authenticates must come from the
 * app's own origin (Origin, or Sec-Fetch-Site for browsers that send no Origin): another site
 * cannot act for a signed-in person. A Bearer token is only ever sent on purpose, so it needs no
 * such check.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { parse as parseCookies, serialize, type SerializeOptions } from 'cookie';
import { HttpError } from '../http-errors.ts';
import type { AuthConfig } from './auth-config.ts';
import { bearerVerifier, type BearerVerifier } from './bearer.ts';
import { isAdmin, withAdminGroupOnly, type Identity } from './identity.ts';
import { providerClient, type ProviderClient } from './provider-client.ts';
import { SessionCodec, type Session } from './session-cookie.ts';
import type { UserProfiles } from './user-profiles.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export interface Authentication {
  readonly config: AuthConfig;
  readonly sessions: SessionCodec;
  readonly bearer: BearerVerifier;
  readonly provider: ProviderClient;
  readonly profiles: UserProfiles;
  readonly cookies: CookieNames;
  /** Epoch seconds; tests move it to expire sessions without waiting. */
  now(): number;
}

export interface CookieNames {
  session: string;
  /** Followed by ".<state>": one cookie per sign-in under way (routes/auth.ts). */
  signIn: string;
  /** Secure everywhere except plain-http localhost, where browsers would drop such cookies. */
  secure: boolean;
}

export function cookieNames(publicUrl: string): CookieNames {
  const secure = new URL(publicUrl).protocol === 'https:';
  // __Host- makes the browser refuse these cookies unless they are Secure, set by this host, for
  // the whole path: a subdomain cannot plant one. A planted sign-in cookie would let another site
  // finish its own sign-in in a victim's browser, signing the victim in as someone else.
  return secure
    ? { session: '__Host-tm_session', signIn: '__Host-tm_sign_in', secure }
    : { session: 'tm_session', signIn: 'tm_sign_in', secure };
}

export function createAuthentication(
  config: AuthConfig,
  logger: Logger,
  profiles: UserProfiles,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Authentication {
  const provider = providerClient(config, logger);
  return {
    config,
    sessions: new SessionCodec(
      config.sessionKeys,
      { idleSeconds: config.sessionIdleSeconds, maxAgeSeconds: config.sessionMaxAgeSeconds },
      config.publicUrl,
    ),
    bearer: bearerVerifier(config, provider, logger),
    provider,
    profiles,
    cookies: cookieNames(config.publicUrl),
    now,
  };
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('Cookie');
  return header === undefined ? undefined : parseCookies(header)[name];
}

export function setCookie(
  res: Response,
  auth: Authentication,
  name: string,
  value: string,
  options: SerializeOptions,
): void {
  res.append(
    'Set-Cookie',
    serialize(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: auth.cookies.secure,
      path: '/',
      ...options,
    }),
  );
}

/** Browsers drop a longer cookie (name and value) silently: the person would land signed out. */
const COOKIE_MAX_BYTES = 4096;

/**
 * Sets the session cookie. It keeps only what the app acts on, so a person in many groups (a
 * token listing them all) still fits: of the groups, the admin group; the ID token, which is only
 * a hint for the provider's sign-out, when there is room for it.
 */
export async function issueSession(res: Response, auth: Authentication, session: Session) {
  const kept = { ...session, identity: withAdminGroupOnly(session.identity, auth.config) };
  const fits = (value: string) =>
    auth.cookies.session.length + 1 + value.length <= COOKIE_MAX_BYTES;
  let value = await auth.sessions.sealSession(kept);
  if (!fits(value)) value = await auth.sessions.sealSession({ ...kept, idToken: undefined });
  setCookie(res, auth, auth.cookies.session, value, {
    maxAge: auth.sessions.expiresAt(session) - session.issuedAt,
  });
}

export function clearSession(res: Response, auth: Authentication): void {
  setCookie(res, auth, auth.cookies.session, '', { maxAge: 0 });
}

/** Whether the request came from the app's own pages (see the top comment). */
export function isSameOrigin(req: Request, publicUrl: string): boolean {
  const origin = req.get('Origin');
  if (origin !== undefined) return origin === publicUrl;
  return req.get('Sec-Fetch-Site') === 'same-origin';
}

export function crossOriginRefused(publicUrl: string): HttpError {
  return new HttpError(403, 'cross-origin request refused', [
    {
      field: 'Origin',
      message: `a request authenticated by the session cookie must come from ${publicUrl}`,
    },
  ]);
}

function unauthenticated(field: string, message: string, bearerError?: string): HttpError {
  const challenge = bearerError
    ? `Bearer realm="task-manager", error="${bearerError}"`
    : 'Bearer realm="task-manager"';
  return new HttpError(401, 'authentication required', [{ field, message }], {
    'WWW-Authenticate': challenge,
  });
}

async function fromBearer(auth: Authentication, header: string): Promise<Identity> {
  const match = BEARER.exec(header);
  if (!match) {
    throw unauthenticated('Authorization', 'must be "Bearer <access token>"', 'invalid_request');
  }
  const result = await auth.bearer.verify(match[1]!, auth.now());
  if ('problem' in result) throw unauthenticated('Authorization', result.problem, 'invalid_token');
  return result.identity;
}

async function fromSession(auth: Authentication, req: Request, res: Response): Promise<Identity> {
  const cookie = readCookie(req, auth.cookies.session);
  if (cookie === undefined || cookie === '') {
    throw unauthenticated(
      'Authorization',
      'send an access token as "Bearer <token>", or sign in at /auth/login',
    );
  }
  const now = auth.now();
  const session = await auth.sessions.openSession(cookie, now);
  if (!session) {
    clearSession(res, auth);
    throw unauthenticated('Cookie', 'the session has expired or is not valid: sign in again');
  }
  if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req, auth.config.publicUrl)) {
    throw crossOriginRefused(auth.config.publicUrl);
  }
  // Sliding idle limit: a new cookie once a quarter of the idle time has passed, not on every
  // request, so most responses carry no Set-Cookie. The absolute limit never moves.
  if (now - session.issuedAt >= Math.max(1, Math.floor(auth.sessions.limits.idleSeconds / 4))) {
    await issueSession(res, auth, { ...session, issuedAt: now });
  }
  return session.identity;
}

/**
 * Establishes the acting user, or answers 401 (no or bad credentials) / 403 (cross-origin cookie
 * write). Part of each route rather than a prefix middleware, so a rejected request is still
 * logged and counted under its route.
 */
export function authenticate(auth: Authentication): RequestHandler {
  return async (req, res, next) => {
    const authorization = req.get('Authorization');
    const identity =
      authorization === undefined
        ? await fromSession(auth, req, res)
        : await fromBearer(auth, authorization);
    res.locals.context.userId = identity.userId;
    res.locals.context.identity = identity;
    // Names for the reports: recorded for people who change tasks, once their change succeeded
    // (a refused request writes nothing, not even this).
    if (!SAFE_METHODS.has(req.method)) {
      res.once('finish', () => {
        if (res.statusCode < 400) void auth.profiles.remember(identity);
      });
    }
    next();
  };
}

export function requireAdmin(auth: Authentication): RequestHandler {
  return (_req, res, next) => {
    const identity = res.locals.context.identity;
    if (!identity) throw new Error('route is missing the authenticate middleware');
    if (!isAdmin(identity, auth.config)) {
      throw new HttpError(403, 'reports are only available to administrators', [
        { field: 'userId', message: `user "${identity.userId}" is not an administrator` },
      ]);
    }
    next();
  };
}
