/**
 * The back channel to the OpenID Provider. The issuer URL is the provider's public address, the
 * one browsers are sent to and tokens name in `iss`. In a cluster, task-service often cannot reach
 * that address from inside its Pod (http://localhost:8080 is the developer's port-forward, not the
 * Pod's), so OIDC_BACKCHANNEL_URL names where it can (http://identity-provider:9000). Every
 * server-to-server call (discovery, token, JWKS) whose URL is on the issuer's origin is sent there
 * instead; the issuer and every check against it stay as they are.
 */
export type Fetch = typeof fetch;

/** The URL a server-to-server call to `url` really goes to. */
export function backchannelUrlFor(
  url: string,
  issuer: string,
  backchannelUrl: string | undefined,
): string {
  if (backchannelUrl === undefined) return url;
  const parsed = new URL(url);
  if (parsed.origin !== new URL(issuer).origin) return url;
  return `${new URL(backchannelUrl).origin}${parsed.pathname}${parsed.search}`;
}

/** fetch, with calls to the issuer's origin sent through the back channel. */
export function backchannelFetch(issuer: string, backchannelUrl: string | undefined): Fetch {
  if (backchannelUrl === undefined) return fetch;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return fetch(backchannelUrlFor(url, issuer, backchannelUrl), init);
  };
}
