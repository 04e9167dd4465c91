/**
 * Users are kept apart on every endpoint: B cannot reach A's tasks (404, as for no task),
 * non-admins not reports (403), nobody without or with forged credentials (401). Each refusal has
 * a positive control, so a broken route cannot pass for isolation.
 */
import { SESSION_COOKIE } from '@task-manager/testing';
import {
  createFixture,
  JSON_TYPE,
  operations,
  OTHER,
  OWNER,
  validRequest,
} from '../harness/api-fixture.ts';
import { ADMIN_USER, type Outcome, type VerifyContext } from '../harness/context.ts';
import { parseJson, replyProblems, type HttpRequest } from '../harness/http.ts';

/** A request, the status it must get and, for a list, an id its body must not contain. */
type Probe = [label: string, expect: number, request: HttpRequest, mustNotContain?: string];

const done = '{"done":true}';
const req = (
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): HttpRequest => ({ method, path, headers, body });
const get = (path: string, headers?: Record<string, string>): HttpRequest =>
  req('GET', path, headers);
const asUser = (user: string) => ({ 'x-forwarded-user': user });

export function isolationCheck(context: VerifyContext): Promise<Outcome> {
  return context.withService(async ({ client, tables }) => {
    const { auth, ...fixture } = await createFixture(client, tables, context);
    const [taskId, etag] = [...fixture.ownerTasks][1]!;
    const [a, b, admin] = [auth[OWNER]!, auth[OTHER]!, auth[ADMIN_USER]!];
    const bJson = { ...b, ...JSON_TYPE };
    const otherPath = `/api/tasks/${fixture.otherTaskId}`;
    const task = `/api/tasks/${taskId}`;
    const report = `/api/reports/${fixture.reportDate}`;
    const csv = { accept: 'text/csv' };

    const crossUser: Probe[] = [
      ['B reads A', 404, get(task, b)],
      ['B edits A', 404, req('PATCH', task, bJson, '{"title":"mine"}')],
      ['B edits A with its ETag', 404, req('PATCH', task, { ...bJson, 'if-match': etag }, done)],
      ['B deletes A', 404, req('DELETE', task, b)],
      ['B deletes A with its ETag', 404, req('DELETE', task, { ...b, 'if-match': etag })],
      ["B lists (A's tasks absent)", 200, get('/api/tasks?status=all&limit=100', b), taskId],
      ["B lists with A's cursor", 400, get(`/api/tasks?cursor=${fixture.ownerCursor}`, b), taskId],
      ['A reads B', 404, get(otherPath, a)],
      ['control: A reads A', 200, get(task, a)],
      ['control: B reads B', 200, get(otherPath, b)],
    ];
    const reports: Probe[] = [
      ...[OWNER, OTHER].flatMap((user): Probe[] => [
        [`${user} lists reports`, 403, get('/api/reports', auth[user])],
        [`${user} reads a report`, 403, get(report, auth[user])],
        [`${user} reads a report as CSV`, 403, get(report, { ...auth[user], ...csv })],
      ]),
      ['control: admin lists', 200, get('/api/reports', admin)],
      ['control: admin reads', 200, get(report, admin)],
      ['control: admin reads CSV', 200, get(report, { ...admin, ...csv })],
    ];
    const anonymous: Probe[] = [
      ...operations.map((op): Probe => {
        const request = validRequest(op, { taskId, date: fixture.reportDate });
        return [`no user: ${request.method} ${request.path}`, 401, request];
      }),
      ['control: liveness needs no user', 200, get('/health/liveness')],
    ];
    // Credentials that must name nobody: the old trusted header, forged and wrong tokens.
    const forged: Probe[] = [
      ['X-Forwarded-User: admin alone', 401, get('/api/reports', asUser(ADMIN_USER))],
      ['X-Forwarded-User: owner alone, on the owner’s task', 401, get(task, asUser(OWNER))],
      [
        'B with X-Forwarded-User: admin reads reports',
        403,
        get('/api/reports', { ...b, ...asUser(ADMIN_USER) }),
      ],
      ['B with X-Forwarded-User: owner reads A', 404, get(task, { ...b, ...asUser(OWNER) })],
      ...fixture.forgedAuthorizations.flatMap((authorization, index): Probe[] => [
        [`forged token #${index + 1} reads A`, 401, get(task, { authorization })],
        [`forged token #${index + 1} deletes A`, 401, req('DELETE', task, { authorization })],
        [`forged token #${index + 1} reads reports`, 401, get('/api/reports', { authorization })],
      ]),
      [
        'a session cookie sealed elsewhere',
        401,
        get(task, { cookie: `${SESSION_COOKIE}=${fixture.cookieSecret}` }),
      ],
    ];

    const failures: string[] = [];
    const figures: string[] = [];
    let controls = 0;
    const groups: Array<[string, Probe[]]> = [
      ['B→A refused', crossUser],
      ['non-admin reports 403', reports],
      ['no user 401', anonymous],
      ['forged credentials refused', forged],
    ];
    for (const [figure, probes] of groups) {
      let refused = 0;
      for (const [label, expect, request, mustNotContain] of probes) {
        const reply = await client.send(request);
        const problems = replyProblems(request, reply, [expect]);
        if (mustNotContain && reply.body.includes(mustNotContain)) {
          problems.push("the response contains another user's task");
        }
        if (expect < 400) controls++;
        if (problems.length > 0) {
          failures.push(`${label}: ${problems.join(', ')} ${reply.body.slice(0, 120)}`);
        } else if (expect >= 400) refused++;
      }
      figures.push(`${figure} ${refused}/${probes.filter(([, expect]) => expect >= 400).length}`);
    }
    const me = parseJson((await client.send(get('/api/me', b))).body) as {
      userId?: string;
      isAdmin?: boolean;
    };
    if (me.userId !== OTHER || me.isAdmin !== false) {
      failures.push(`/api/me for ${OTHER} answered ${JSON.stringify(me)}`);
    }
    // The refused writes above must have changed nothing (the controls only read).
    const changes = await fixture.tablesChange();
    if (changes) failures.push(changes);
    return {
      figures: [...figures, `controls ${controls}`, `data ${changes ? 'CHANGED' : 'unchanged'}`],
      failures,
    };
  });
}
