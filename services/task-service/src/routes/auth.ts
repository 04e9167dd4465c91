/**
 * Signing in and out of the browser app: task-service is the OpenID client (backend-for-frontend),
 * so tokens stay here and the browser only ever holds the encrypted session cookie.
 *
 *   GET  /auth/login?returnTo=/path  → the provider's sign-in (authorization code + PKCE, state,
 *                                      nonce kept in a short-lived encrypted cookie); at another
 *                                      name of a loopback PUBLIC_URL, first to PUBLIC_URL
 *   GET  /auth/callback              → exchanges the code, sets the session cookie, returns to
 *                                      returnTo
 *   POST /auth/logout                → clears the session and sends the browser on to the
 *                                      provider's end-session endpoint, when it has one
 */
import { Router, type Request, type Response } from 'express';
import {
  clearSession,
  crossOriginRefused,
  isSameOrigin,
  issueSession,
  readCookie,
  setCookie,
  type Authentication,
} from '../auth/authentication.ts';
import { LOOPBACK_HOSTS } from '../auth/auth-config.ts';
import { identityFromClaims } from '../auth/identity.ts';
import {
  authorizationRequest,
  endSessionUrl,
  exchangeCode,
  ProviderRefusedError,
  ProviderUnavailableError,
  SignInCheckError,
  type Configuration,
} from '../auth/provider-client.ts';
import { methodNotAllowed, unavailableError } from '../middleware/errors.ts';

export const CALLBACK_PATH = '/auth/callback';
/** Where the app asks people to sign in; the provider returns there after signing out. */
export const SIGN_IN_PAGE = '/signin';
/** How long a started sign-in may take before its cookie expires. */
const SIGN_IN_TTL_SECONDS = 600;

/**
 * Each sign-in under way has a cookie of its own, named after its state, so that sign-ins started
 * in several tabs at once each find theirs when they come back, whichever finishes first.
 */
function signInCookie(auth: Authentication, state: string): string {
  return `${auth.cookies.signIn}.${state}`;
}

/** openid-client's states are base64url: anything else names no sign-in (nor a valid cookie). */
const STATE = /^[\w-]{1,128}$/;

/**
 * Only a path of this app: "/tasks?x=1", never "//evil.example" or "https://…", so a crafted
 * link cannot use the sign-in to send someone elsewhere.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  // Control characters, and any backslash: browsers read "/\evil.example" as "//evil.example".
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  return value;
}

/**
 * Whether a request came to PUBLIC_URL's own server under another of this machine's names:
 * http://127.0.0.1:8080 or http://[::1]:8080 for http://localhost:8080 (a local cluster or
 * `npm start`, typed by hand). To the browser that is another site, so a sign-in started there
 * would keep its cookie where the provider does not bring it back (to PUBLIC_URL), and fail.
 * Only when PUBLIC_URL itself is a loopback name, and only at its port: a deployment at a real
 * host name is never redirected, whatever Host its proxy passes on, and another port may be
 * another server.
 */
function atAnotherLoopbackName(host: string | undefined, publicUrl: string): boolean {
  const app = new URL(publicUrl);
  if (host === undefined || !LOOPBACK_HOSTS.has(app.hostname)) return false;
  const seen = URL.parse(`${app.protocol}//${host}`);
  return (
    seen !== null &&
    LOOPBACK_HOSTS.has(seen.hostname) &&
    seen.port === app.port &&
    seen.hostname !== app.hostname
  );
}

/**
 * The provider is down: 503. An API client gets the usual JSON; a person in a browser gets a page
 * saying so, with the same status, rather than raw JSON. `cause` goes into the request's log line
 * where nothing else has logged it (an outage found by discovery is logged once, where found).
 */
function answerUnavailable(req: Request, res: Response, cause?: unknown): void {
  const answer = unavailableError();
  const body = { error: answer.message, details: answer.details };
  res.locals.context.failure = { status: 503, body, ...(cause === undefined ? {} : { cause }) };
  res.status(503).set(answer.headers);
  if (wantsJson(req)) {
    res.json(body);
    return;
  }
  res
    .type('html')
    .send(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign-in unavailable</title>' +
        '<h1>Sign-in is unavailable</h1><p>The identity provider cannot be reached right now. ' +
        'Wait a few seconds, then <a href="/">try again</a>.</p></html>',
    );
}

/** A redirect without the body Express would add (nobody reads it; the contract has none). */
function seeOther(res: Response, location: string): void {
  res.status(303).location(location).end();
}

/** A sign-in that cannot finish goes back to the sign-in page, saying so (and logged). */
function backToSignIn(res: Response, reason: string, cause?: unknown): void {
  res.locals.context.failure = {
    status: 303,
    body: { error: 'sign-in failed', details: [{ field: 'callback', message: reason }] },
    ...(cause === undefined ? {} : { cause }),
  };
  seeOther(res, `${SIGN_IN_PAGE}?error=sign-in-failed`);
}

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

export function authRouter(auth: Authentication): Router {
  const router = Router();
  const { publicUrl } = auth.config;
  const redirectUri = `${publicUrl}${CALLBACK_PATH}`;

  /** Starts a sign-in at the provider: its cookie for the callback, and the browser sent there. */
  async function startSignIn(
    res: Response,
    configuration: Configuration,
    returnTo: string,
    forcedLogin = false,
  ): Promise<void> {
    const request = await authorizationRequest(configuration, redirectUri, {
      scopes: auth.config.scopes,
      maxAgeSeconds: auth.sessions.limits.maxAgeSeconds,
      forceLogin: forcedLogin,
    });
    const { state, nonce, codeVerifier } = request;
    const sealed = await auth.sessions.sealSignIn(
      { state, nonce, codeVerifier, returnTo, forcedLogin },
      auth.now(),
      SIGN_IN_TTL_SECONDS,
    );
    // Path=/, as __Host- requires: it goes with every request for the few minutes of a sign-in.
    setCookie(res, auth, signInCookie(auth, state), sealed, { maxAge: SIGN_IN_TTL_SECONDS });
    res.set('Cache-Control', 'no-store');
    seeOther(res, request.url.href);
  }

  router.get('/auth/login', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    if (atAnotherLoopbackName(req.headers.host, publicUrl)) {
      // Start again at PUBLIC_URL, before any cookie is set, carrying only the checked returnTo.
      seeOther(res, `${publicUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
      return;
    }
    let configuration;
    try {
      configuration = await auth.provider.configuration();
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      answerUnavailable(req, res);
      return;
    }
    await startSignIn(res, configuration, returnTo);
  });
  router.all('/auth/login', methodNotAllowed(['GET', 'HEAD']));

  router.get(CALLBACK_PATH, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const { state } = req.query;
    const name = typeof state === 'string' && STATE.test(state) && signInCookie(auth, state);
    const sealed = name ? readCookie(req, name) : undefined;
    // This sign-in's cookie is used once, whatever happens next; other tabs' are left alone.
    if (name && sealed !== undefined) {
      setCookie(res, auth, name, '', { maxAge: 0 });
    }
    const started = sealed ? await auth.sessions.openSignIn(sealed, auth.now()) : undefined;
    if (!started) {
      backToSignIn(res, 'no sign-in was started in this browser, or it took too long');
      return;
    }
    let configuration;
    let result;
    try {
      configuration = await auth.provider.configuration();
      result = await exchangeCode(configuration, new URL(req.originalUrl, publicUrl), started);
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        answerUnavailable(req, res);
        return;
      }
      if (error instanceof ProviderRefusedError || error instanceof SignInCheckError) {
        backToSignIn(res, error.message, error.cause);
        return;
      }
      // The code exchange itself failed (the provider went away mid-way, or answered nonsense):
      // nothing else has logged why, so this request's log line does.
      answerUnavailable(req, res, error);
      return;
    }
    const identity = identityFromClaims(result.claims, auth.config.groupsClaim);
    if ('problem' in identity) {
      backToSignIn(res, identity.problem);
      return;
    }
    const now = auth.now();
    const authTime = result.claims.auth_time;
    // The absolute limit counts from when the person last entered their credentials, which the
    // provider says in auth_time. One that leaves it out has said nothing of when that was: only
    // a sign-in that asked for the credentials (prompt=login) is known to be now, so ask once
    // for that rather than start the limit afresh on every silent sign-in.
    if (typeof authTime !== 'number' && !started.forcedLogin) {
      await startSignIn(res, configuration, started.returnTo, true);
      return;
    }
    const session = {
      identity: identity.identity,
      idToken: result.idToken,
      signedInAt: typeof authTime === 'number' ? Math.min(authTime, now) : now,
      issuedAt: now,
    };
    // A provider that ignores max_age can answer with an older sign-in, which would give a
    // session that has already ended: ask once more, for the credentials this time, rather than
    // issue that.
    if (auth.sessions.expiresAt(session) <= now) {
      if (started.forcedLogin) {
        backToSignIn(res, 'the identity provider did not ask for the credentials again');
      } else {
        await startSignIn(res, configuration, started.returnTo, true);
      }
      return;
    }
    await issueSession(res, auth, session);
    res.locals.context.userId = identity.identity.userId;
    void auth.profiles.remember(identity.identity);
    seeOther(res, started.returnTo);
  });
  router.all(CALLBACK_PATH, methodNotAllowed(['GET', 'HEAD']));

  router.post('/auth/logout', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const cookie = readCookie(req, auth.cookies.session);
    if (cookie !== undefined && !isSameOrigin(req, publicUrl)) throw crossOriginRefused(publicUrl);
    const session = cookie ? await auth.sessions.openSession(cookie, auth.now()) : undefined;
    clearSession(res, auth);
    if (session) res.locals.context.userId = session.identity.userId;
    const signedOut = `${publicUrl}${SIGN_IN_PAGE}`;
    let redirectTo = signedOut;
    try {
      const configuration = await auth.provider.configuration();
      redirectTo = (await endSessionUrl(configuration, session?.idToken, signedOut)) ?? signedOut;
    } catch (error) {
      // Signed out of the app all the same; the provider's session outlives this one.
      if (!(error instanceof ProviderUnavailableError)) throw error;
    }
    if (wantsJson(req)) res.json({ redirectTo });
    else seeOther(res, redirectTo);
  });
  router.all('/auth/logout', methodNotAllowed(['POST']));
  return router;
}
