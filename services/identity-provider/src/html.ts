/**
 * The provider's few pages, as plain HTML with no external resources. Each page's only style
 * and script are inline and allowed by hash in its Content-Security-Policy, so nothing else can
 * run on them.
 */
import { createHash } from 'node:crypto';

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1f2328}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0003}
h1{font-size:1.4rem;margin-top:0}label{display:block;font-weight:600;margin-bottom:.25rem}
input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #6e7781;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.5rem 1rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.warning{border-left:6px solid #bc4c00;background:#fff8c5;padding:.5rem .75rem}.error{color:#b3261e;font-weight:600}
.hint{color:#57606a;font-size:.875rem}`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export interface Page {
  html: string;
  contentSecurityPolicy: string;
}

export interface PageOptions {
  /** One inline script, allowed by its hash. */
  script?: string;
  /**
   * Where this page's forms may end up. Browsers apply form-action to the redirects after a
   * submission too, and a sign-in ends with a redirect to a client's redirect URI.
   */
  formTargets?: readonly string[];
}

/** A page with the shared style. */
export function page(title: string, body: string, options: PageOptions = {}): Page {
  const { script, formTargets = [] } = options;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>${script === undefined ? '' : `\n<script>${script}</script>`}
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `style-src ${sha256(STYLE)}`,
    ...(script === undefined ? [] : [`script-src ${sha256(script)}`]),
    `form-action 'self'${formTargets.map((target) => ` ${target}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/**
 * The page a person sees when signing in cannot go on (an expired sign-in page, a bad request of
 * a client): what went wrong, as the provider answered it, and the way back to the app, where
 * signing in starts again.
 */
export function errorPage(answer: object, appUrl: string): Page {
  const details = Object.entries(answer)
    .map(([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(String(value))}</p>`)
    .join('');
  return page(
    'Sign-in error',
    `<h1>Something went wrong</h1>${details}
<p><a href="${escapeHtml(appUrl)}">Back to the app</a>, to sign in again.</p>`,
  );
}
