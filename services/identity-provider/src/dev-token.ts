/**
 * Signing in without a browser, through the real authorization-code flow with PKCE: the same
 * redirects, cookies and sign-in form a person goes through, driven with fetch. `npm run token`,
 * the API tests, verify, the benchmarks and the end-to-end helpers all get their tokens and
 * sessions this way, so none of them knows a shortcut the app does not offer.
 *
 * Only for the development provider's name-only sign-in page; a real provider asks for more.
 */
import * as client from 'openid-client';
import { APP_SCOPES, CLI_REDIRECT_URI } from './provider.ts';
import { DEFAULT_CLI_CLIENT_ID } from './server.ts';

/** Cookies by host, as a browser keeps them (cookies are not isolated by port). */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=');
        const lower = key.trim().toLowerCase();
        if (lower === 'max-age') return Number(raw) <= 0;
        if (lower === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      const host = this.#forHost(url.hostname);
      if (expired || value === '') host.delete(name);
      else host.set(name, value);
    }
  }

  header(url: URL): string | undefined {
    const cookies = this.#cookies.get(url.hostname);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: URL, name: string): string | undefined {
    return this.#cookies.get(url.hostname)?.get(name);
  }

  set(url: URL, name: string, value: string): void {
    this.#forHost(url.hostname).set(name, value);
  }

  delete(url: URL, name: string): void {
    this.#cookies.get(url.hostname)?.delete(name);
  }

  #forHost(hostname: string): Map<string, string> {
    let cookies = this.#cookies.get(hostname);
    if (!cookies) {
      cookies = new Map();
      this.#cookies.set(hostname, cookies);
    }
    return cookies;
  }
}

export interface BrowseOptions {
  /** The name to type on the provider's sign-in page. */
  user: string;
  jar?: CookieJar;
  /** Stop before following a redirect to this URL (it is returned, not fetched). */
  stopAt: (url: URL) => boolean;
  /** Headers sent on every request (e.g. an Origin for the app's checks). */
  headers?: Record<string, string>;
}

const LOGIN_FORM = /<form method="post" action="([^"]+)"/;
const MAX_STEPS = 20;

/**
 * Follows redirects from `start` as a browser would, keeping cookies and filling in the sign-in
 * form when the provider shows it; returns the URL it was redirected to that `stopAt` accepted.
 */
export async function browse(start: URL, options: BrowseOptions): Promise<URL> {
  const jar = options.jar ?? new CookieJar();
  let url = start;
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const headers = new Headers(options.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('Cookie', cookie);
    if (init.body) headers.set('Content-Type', 'application/x-www-form-urlencoded');
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(url, response);
    const location = response.headers.get('Location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      const next = new URL(location, url);
      if (options.stopAt(next)) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const text = await response.text();
    const form = response.ok ? LOGIN_FORM.exec(text) : null;
    if (!form) {
      throw new Error(`sign-in stopped at ${url.origin}${url.pathname}: ${response.status}`);
    }
    url = new URL(form[1]!.replaceAll('&amp;', '&'), url);
    init = { method: 'POST', body: new URLSearchParams({ username: options.user }).toString() };
  }
  throw new Error(`sign-in did not finish within ${MAX_STEPS} redirects`);
}

export interface TokenOptions {
  issuer: string;
  user: string;
  /** The public client of the development provider. */
  clientId?: string;
}

export interface Tokens {
  accessToken: string;
  idToken: string | undefined;
  /** Seconds the access token stays valid, as the provider said. */
  expiresIn: number | undefined;
}

/** The access token a user gets from the development provider, through its public client. */
export async function fetchAccessToken(options: TokenOptions): Promise<Tokens> {
  const insecure = new URL(options.issuer).protocol === 'http:';
  const config = await client.discovery(
    new URL(options.issuer),
    options.clientId ?? DEFAULT_CLI_CLIENT_ID,
    undefined,
    client.None(),
    insecure ? { execute: [client.allowInsecureRequests] } : undefined,
  );
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorization = client.buildAuthorizationUrl(config, {
    redirect_uri: CLI_REDIRECT_URI,
    scope: APP_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const callback = await browse(authorization, {
    user: options.user,
    stopAt: (url) => url.href.startsWith(`${CLI_REDIRECT_URI}?`),
  });
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    expiresIn: tokens.expires_in,
  };
}
