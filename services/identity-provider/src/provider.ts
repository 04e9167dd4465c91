/**
 * The OpenID Provider itself, on oidc-provider: which clients exist, who the accounts are, which
 * claims tokens carry, and what the API's access tokens look like. The sign-in and sign-out pages
 * are in interactions.ts.
 */
import type { Context } from 'koa';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { isUserId } from '@task-manager/contract';
import { SIGNING_ALG, type SigningKeys } from './keys.ts';
import { errorPage, page } from './html.ts';

/** The confidential client: task-service, the app's backend-for-frontend. */
export interface WebClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface ProviderSettings {
  issuer: string;
  keys: SigningKeys;
  /** Secrets that sign the provider's own cookies (the first signs, all verify). */
  cookieKeys: string[];
  webClient: WebClient;
  /** The public client of `npm run token` (PKCE, loopback redirect, no secret). */
  cliClientId: string;
  /** The `aud` of the API's access tokens. */
  apiAudience: string;
  accessTokenTtlSeconds: number;
  /** Users in the admin group (`groups` claim). */
  adminUsers: ReadonlySet<string>;
  adminGroup: string;
}

/** The redirect URI the CLI client registers; any loopback port is accepted (RFC 8252). */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Scopes a client asks for to get the claims the app uses. */
export const APP_SCOPES = 'openid profile groups';

export function createProvider(settings: ProviderSettings, interactionUrl: string): Provider {
  const { webClient, apiAudience } = settings;

  const claimsOf = (accountId: string) => ({
    sub: accountId,
    name: accountId,
    preferred_username: accountId,
    groups: settings.adminUsers.has(accountId) ? [settings.adminGroup] : [],
  });

  const configuration: Configuration = {
    clients: [
      {
        client_id: webClient.clientId,
        client_secret: webClient.clientSecret,
        client_name: 'Task Manager',
        redirect_uris: webClient.redirectUris,
        post_logout_redirect_uris: webClient.postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: settings.cliClientId,
        client_name: 'Task Manager command line',
        application_type: 'native',
        redirect_uris: [CLI_REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    clientDefaults: { id_token_signed_response_alg: SIGNING_ALG },
    jwks: settings.keys as Configuration['jwks'],
    cookies: { keys: settings.cookieKeys },
    // Any well-formed name is an account: this provider exists so developers can be anyone.
    async findAccount(_ctx, sub) {
      if (!isUserId(sub)) return undefined;
      return { accountId: sub, claims: () => claimsOf(sub) };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'groups'],
    // ID tokens carry the profile claims themselves: the app has no use for /userinfo calls.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // A development sign-out needs no confirmation click; the provider has already checked
        // post_logout_redirect_uri against the client's registration when this page renders.
        async logoutSource(ctx, form) {
          const withConfirmation = form.replace(
            '</form>',
            '<input type="hidden" name="logout" value="yes"></form>',
          );
          const script = "document.getElementById('op.logoutForm').submit();";
          send(
            ctx,
            page(
              'Signing out',
              `<h1>Signing out…</h1>${withConfirmation}
<button type="submit" form="op.logoutForm">Sign out</button>`,
              { script, formTargets: origins(webClient.postLogoutRedirectUris) },
            ),
          );
        },
        async postLogoutSuccessSource(ctx) {
          send(ctx, page('Signed out', '<h1>Signed out</h1><p>You can close this page.</p>'));
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every authorization is for the task API: clients need not send `resource`.
        defaultResource: () => apiAudience,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== apiAudience) throw new errors.InvalidTarget();
          return {
            scope: 'tasks',
            audience: apiAudience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALG } },
          };
        },
      },
    },
    // The access token tells the API who the person is, so it needs no call back here.
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const { name, preferred_username, groups } = claimsOf(token.accountId);
      return { name, preferred_username, groups };
    },
    // The app and the command line are this provider's own clients: no consent screen.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      if (!oidc.client || !accountId) return undefined;
      const grantId =
        oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId });
      grant.addOIDCScope(APP_SCOPES);
      grant.addResourceScope(apiAudience, 'tasks');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${interactionUrl}/${interaction.uid}` },
    ttl: {
      // The API's too: a number here overrides a resource server's accessTokenTTL.
      AccessToken: settings.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Grant: 14 * 86_400,
      Session: 14 * 86_400,
    },
    async renderError(ctx, out) {
      send(ctx, errorPage(out, appUrl(webClient)));
    },
  };
  return new Provider(settings.issuer, configuration);
}

/** Where the app starts: the origin it is redirected back to after signing in. */
export function appUrl(webClient: WebClient): string {
  return `${new URL(webClient.redirectUris[0]!).origin}/`;
}

/** The origins of a list of URLs, for a Content-Security-Policy. */
export function origins(urls: readonly string[]): string[] {
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

export function send(
  ctx: Pick<Context, 'type' | 'set' | 'body'>,
  content: { html: string; contentSecurityPolicy: string },
): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', content.contentSecurityPolicy);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = content.html;
}
