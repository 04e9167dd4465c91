export { startIdentityProvider, DEFAULT_ADMIN_GROUP, DEFAULT_CLI_CLIENT_ID } from './server.ts';
export type { IdentityProviderOptions, RunningIdentityProvider } from './server.ts';
export { generateSigningKeys, parseSigningKeys, SIGNING_ALG, type SigningKeys } from './keys.ts';
export { APP_SCOPES, CLI_REDIRECT_URI, type WebClient } from './provider.ts';
export { CALLBACK_PATH, SIGNED_OUT_PATH } from './config.ts';
