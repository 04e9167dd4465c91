/**
 * `npm run token -- <user>`: prints an access token of the development identity provider for
 * `user`, for curl and other scripts: `curl -H "Authorization: Bearer $(npm run -s token -- alice)"`.
 * It signs in the way a person does (authorization code with PKCE, through the provider's sign-in
 * page), as the provider's public command-line client. Needs `npm start` (or `npm run dev`)
 * running; OIDC_ISSUER or IDP_PORT point it at another provider.
 */
import { isUserId, USER_ID_RULE } from '@task-manager/contract';
import { fetchAccessToken } from '@task-manager/identity-provider/dev-token';

const USAGE = `usage: npm run token -- <user>   (${USER_ID_RULE}; e.g. alice or admin)`;

const [user, ...rest] = process.argv.slice(2);
if (user === '--help' || user === '-h') {
  console.log(USAGE);
  process.exit(0);
}
if (user === undefined || rest.length > 0 || !isUserId(user)) {
  console.error(USAGE);
  process.exit(2);
}
const issuer = process.env.OIDC_ISSUER ?? `http://localhost:${process.env.IDP_PORT ?? '9000'}`;
try {
  const { accessToken } = await fetchAccessToken({ issuer, user });
  console.log(accessToken);
} catch (error) {
  console.error(
    `token: could not sign in at ${issuer} (${error instanceof Error ? error.message : String(error)}). Is npm start running?`,
  );
  process.exit(1);
}
