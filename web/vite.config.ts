import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type ProxyOptions } from 'vite';
import { apiProxy } from './api-proxy.ts';

/**
 * Where the task API runs. The browser only ever talks to its own origin; the dev server and
 * `vite preview` (used by `npm start`) forward /api, /auth (signing in and out) and /health
 * there, as the Ingress does in the cluster.
 */
const apiOrigin = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000';

/**
 * The Content-Security-Policy the production nginx image sends. `vite preview` sends it too, so
 * `npm start` and the end-to-end tests catch anything the policy would block (inline scripts or
 * styles) before it reaches the cluster. The dev server cannot use it: HMR injects <style> tags.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The app is one origin, and neither nginx nor the Ingress sends CORS headers. Vite's own CORS
 * (on by default for localhost origins) would answer other pages' preflights itself and mark the
 * API's answers readable by any page on localhost, in development only: off, as in production.
 */
const cors = false;

const toApi = apiProxy(apiOrigin);
const proxy: Record<string, ProxyOptions> = { '/api': toApi, '/auth': toApi, '/health': toApi };

/**
 * Behind the Ingress (Skaffold's dev target) the page is served on another port than the dev
 * server's 5173. The HMR client connects to the page's own host and port by default, which is what
 * the Ingress forwards; HMR_CLIENT_PORT overrides it for set-ups where the two differ.
 */
const hmrClientPort = process.env.HMR_CLIENT_PORT ? Number(process.env.HMR_CLIENT_PORT) : undefined;

/** Extra Host names the dev server answers (Vite refuses unknown ones), comma-separated. */
const allowedHosts = process.env.VITE_ALLOWED_HOSTS?.split(',')
  .map((host) => host.trim())
  .filter(Boolean);

// https://vite.dev/config/
export default defineConfig({
  plugins: [vue()],
  // vue-i18n's build-time switches (https://vue-i18n.intlify.dev/guide/advanced/optimization):
  // its devtools stay out of the production bundle, and its message compiler stays in, since
  // the messages are plain TypeScript objects compiled as they are first used (to an AST it
  // interprets: no eval, which the Content-Security-Policy below forbids).
  define: {
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    cors,
    proxy,
    ...(hmrClientPort ? { hmr: { clientPort: hmrClientPort } } : {}),
    ...(allowedHosts?.length ? { allowedHosts } : {}),
  },
  preview: {
    cors,
    proxy,
    headers: {
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  },
});
