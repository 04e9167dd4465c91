/**
 * The API's HTTP security headers (helmet): on successes, errors and unknown routes alike,
 * since an error page is as much a response a browser may render as any other.
 */
import type { Check } from '../harness/check.ts';
import { createHttpClient, type HttpRequest, type Reply } from '../harness/http.ts';
import { stopTaskService } from '@task-manager/testing';

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

export const securityHeadersCheck: Check = {
  name: 'Security headers',
  async run(context) {
    const tables = await context.newTables();
    const service = await context.startService('task-service', tables);
    const client = createHttpClient(service.url, { connections: 1, timeoutMs: 10_000 });
    const user = await context.credentials('verify-headers');
    const requests: Array<[string, HttpRequest]> = [
      ['200', { method: 'GET', path: '/api/me', headers: user }],
      ['404 task', { method: 'GET', path: '/api/tasks/none', headers: user }],
      ['401', { method: 'GET', path: '/api/tasks' }],
      [
        '400',
        {
          method: 'POST',
          path: '/api/tasks',
          headers: { ...user, 'content-type': 'application/json' },
          body: '{',
        },
      ],
      ['404 route', { method: 'GET', path: '/nowhere' }],
      ['probe', { method: 'GET', path: '/health/readiness' }],
    ];
    try {
      const failures: string[] = [];
      let csp = '';
      let cacheControl = '';
      for (const [label, request] of requests) {
        const reply: Reply = await client.send(request);
        for (const [name, valid] of REQUIRED) {
          const value = String(reply.headers[name] ?? '');
          if (!valid(value)) failures.push(`${label}: ${name} ${value ? `"${value}"` : 'missing'}`);
        }
        for (const name of FORBIDDEN) {
          if (reply.headers[name])
            failures.push(`${label}: sends ${name}: ${String(reply.headers[name])}`);
        }
        if (label === '200') {
          csp = String(reply.headers['content-security-policy'] ?? '');
          cacheControl = String(reply.headers['cache-control'] ?? 'none');
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
    } finally {
      client.close();
      await stopTaskService(service);
    }
  },
};
