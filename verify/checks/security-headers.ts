/** helmet's headers on successes, errors and unknown routes alike: a browser renders them all. */
import { JSON_TYPE } from '../harness/api-fixture.ts';
import type { Outcome, VerifyContext } from '../harness/context.ts';
import type { HttpRequest } from '../harness/http.ts';

const REQUIRED: Array<[string, (value: string) => boolean]> = [
  ['content-security-policy', (v) => v.includes('default-src') || v.includes('frame-ancestors')],
  ['x-content-type-options', (v) => v === 'nosniff'],
  ['x-frame-options', (v) => /^(deny|sameorigin)$/i.test(v)],
  ['strict-transport-security', (v) => /max-age=\d+/.test(v)],
  ['referrer-policy', (v) => v !== ''],
  ['cross-origin-resource-policy', (v) => v !== ''],
  ['x-request-id', (v) => v !== ''],
];
const FORBIDDEN = ['x-powered-by', 'server'];

export async function securityHeadersCheck(context: VerifyContext): Promise<Outcome> {
  const user = await context.credentials('verify-headers');
  const requests: Array<[string, HttpRequest]> = [
    ['200', { method: 'GET', path: '/api/me', headers: user }],
    ['404 task', { method: 'GET', path: '/api/tasks/none', headers: user }],
    ['401', { method: 'GET', path: '/api/tasks' }],
    ['400', { method: 'POST', path: '/api/tasks', headers: { ...user, ...JSON_TYPE }, body: '{' }],
    ['404 route', { method: 'GET', path: '/nowhere' }],
    ['probe', { method: 'GET', path: '/health/readiness' }],
  ];
  return context.withService(async ({ client }) => {
    const failures: string[] = [];
    let [csp, cacheControl] = ['', ''];
    for (const [label, request] of requests) {
      const { headers } = await client.send(request);
      for (const [name, valid] of REQUIRED) {
        const value = String(headers[name] ?? '');
        if (!valid(value)) failures.push(`${label}: ${name} ${value ? `"${value}"` : 'missing'}`);
      }
      for (const name of FORBIDDEN.filter((name) => headers[name])) {
        failures.push(`${label}: sends ${name}: ${String(headers[name])}`);
      }
      if (label === '200') {
        csp = String(headers['content-security-policy'] ?? '');
        cacheControl = String(headers['cache-control'] ?? 'none');
      }
    }
    return {
      figures: [
        `${requests.length} responses (2xx, 4xx, unknown route, probe)`,
        `${REQUIRED.length} headers required, ${FORBIDDEN.join('/')} absent`,
        `CSP "${csp.length > 60 ? `${csp.slice(0, 57)}...` : csp}"`,
        `Cache-Control "${cacheControl}" on /api/me`,
      ],
      failures,
    };
  });
}
