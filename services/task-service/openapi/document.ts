/**
 * The API's description: every path, operation, parameter and response, with the words a reader
 * of openapi.yaml needs. The bodies and query parameters are the zod schemas the service uses
 * (src/validation.ts, src/responses.ts), so the document cannot describe other rules than it
 * applies. `npm run generate:openapi` writes openapi.yaml from this with zod-openapi; never edit
 * that file by hand.
 */
import md from 'dedent';
import { z } from 'zod';
import type { ZodOpenApiObject, ZodOpenApiOperationObject } from 'zod-openapi';
import {
  SEARCH_EVALUATED_PER_REQUEST,
  STATUS_FILTER_EVALUATED_PER_REQUEST,
} from '@task-manager/task-store';
import { IDEMPOTENCY_KEY_HEADER } from '../src/idempotency-key.ts';
import { JSON_BODY_LIMIT_BYTES, REQUEST_CONTENT_CODINGS } from '../src/middleware/json-body.ts';
import { SINGLETON_HEADERS } from '../src/middleware/singleton-headers.ts';
import { errorBody, me, report, reportPage, signedOut, task, taskPage } from '../src/responses.ts';
import { CONTRACT_PATH } from '../src/routes/contract.ts';
import { REPORT_CSV_HEADER } from '../src/routes/reports.ts';
import {
  createTaskBody,
  listReportsQuery,
  listTasksQuery,
  patchTaskBody,
  restoreTaskBody,
} from '../src/validation.ts';
import {
  errorResponse,
  failures,
  headers,
  json,
  parameters,
  responses,
  securitySchemes,
  withRequestId,
} from './components.ts';

/** Where a created or restored task now lives. */
const taskLocation = (description: string) =>
  z.string().regex(new RegExp('^/api/tasks/[0-9a-f-]{36}$')).meta({ header: { description } });

/** Operations anyone may call: probes, metrics, and signing in. */
const open: Pick<ZodOpenApiOperationObject, 'security'> = { security: [] };

/** A JSON request body, as the client sends it. */
const body = (schema: z.ZodType) => ({ required: true, content: json(schema) });

const providerUnavailable = (description: string) => ({
  ...errorResponse(description, { 'Retry-After': headers.retryAfter }),
  content: { ...json(errorBody), 'text/html': { schema: z.string() } },
});

const redirect = (description: string) => ({
  description,
  headers: withRequestId({ Location: headers.location }),
});

export const api: ZodOpenApiObject = {
  openapi: '3.1.0',
  info: {
    title: 'task-service',
    version: '0.1.0',
    summary: 'The task API of the task manager, with its reports, probes and metrics.',
    description: md`
      Every \`/api\` request acts for one user, the \`sub\` of an OpenID Connect identity, and
      authenticates in one of two ways:

      - \`Authorization: Bearer <access token>\` (scripts, other services): a JWT from the trusted
        issuer, checked against the issuer's published keys (signature, \`iss\`, \`aud\`, \`exp\`, \`nbf\`,
        asymmetric algorithms only). \`npm run token -- <user>\` prints one on \`npm start\`.
      - the session cookie (the browser app): set by signing in at \`/auth/login\`, encrypted, with an
        idle and an absolute limit. An unsafe request (POST, PATCH, DELETE) authenticated by the
        cookie must come from the app's own origin (\`Origin\` or \`Sec-Fetch-Site\`), else 403.

      No header names a user: \`X-Forwarded-User\` is ignored. A user only ever sees their own tasks:
      another user's task id answers 404, exactly like an id that does not exist.

      Every 4xx and 5xx answer has the body \`{ "error": "...", "details": [{ "field", "message" }] }\`,
      naming each bad field (a body field, a query parameter, or a header such as \`If-Match\`).
      A header that carries one value (${SINGLETON_HEADERS.map((name) => `\`${name}\``).join(', ')})
      given more than once answers 400 naming it, as a repeated query parameter does.
      Every answer carries \`X-Request-Id\`: the one the request came with, if well-formed, or a new one.

      Request bodies are JSON of at most ${JSON_BODY_LIMIT_BYTES / 1024} KiB once decoded; they may be sent compressed with
      \`Content-Encoding\` set to one of ${REQUEST_CONTENT_CODINGS.map((coding) => `\`${coding}\``).join(', ')}. A compressed body that does not decode answers
      400 naming \`Content-Encoding\`; an encoding the API does not know answers 415 naming it, with
      \`Accept-Encoding\` listing those it knows.

      Task writes support optimistic concurrency: each task has an \`ETag\` (its version), and
      \`PATCH\`/\`DELETE\` with \`If-Match\` answer 412 when the task changed since that version.
      \`PUT\` with \`If-None-Match: *\` puts a deleted task back (undo) and answers 412 when it exists.
      \`GET\` with \`If-None-Match\` answers 304 when the client's copy is current. The preconditions
      follow RFC 9110 §13: \`If-Match\` compares strongly and comes first, \`If-None-Match\`
      compares weakly; \`If-Modified-Since\` and \`If-Unmodified-Since\` are ignored (tasks have no
      \`Last-Modified\`).
    `,
    license: { name: 'MIT' },
  },
  servers: [
    { url: 'http://localhost:8080', description: 'npm start (the UI and the API on one origin)' },
  ],
  security: [{ bearer: [] }, { session: [] }],
  tags: [
    {
      name: 'auth',
      description: 'Signing in and out of the browser app (task-service is the OpenID client).',
    },
    { name: 'tasks' },
    { name: 'me' },
    {
      name: 'reports',
      description:
        'Daily reports of completed tasks, for administrators (members of ADMIN_GROUP, or ADMIN_USERS).',
    },
    { name: 'contract', description: 'This description of the API, served by the API itself.' },
    { name: 'operations', description: 'Kubernetes probes and Prometheus metrics.' },
  ],

  paths: {
    '/api/tasks': {
      get: {
        tags: ['tasks'],
        operationId: 'listTasks',
        summary: 'List or search my tasks, by start time or by completion time.',
        description: md`
          Without a filter a page holds \`limit\` tasks whenever that many remain, and
          \`nextCursor\` is null exactly when no further task matches. \`from\` is inclusive,
          \`to\` exclusive; both compare instants, whatever their offsets. Unknown or repeated
          parameters are errors.

          With \`status=open\` or \`status=done\`, one request examines at most
          ${STATUS_FILTER_EVALUATED_PER_REQUEST} tasks: past them a page may hold fewer than
          \`limit\` tasks, even none, while \`nextCursor\` says where to go on.

          \`sort=completedAt\` lists the done tasks by the time they were completed (with
          \`order=desc\`, newest first); it takes no \`from\`, \`to\` or \`status=open\`.

          With \`q\`, only tasks whose title or details contain every word of \`q\` are listed:
          case-insensitive and Unicode-aware (both sides compared after NFKC normalisation and
          case folding, so \`ｶﾀｶﾅ\` finds \`カタカナ\` and \`ＴＡＳＫ\` finds \`task\`). A search reads
          the user's own tasks in list order (a Query of their partition, never a Scan) and
          examines at most ${SEARCH_EVALUATED_PER_REQUEST} of them per request: a page may then
          hold fewer than \`limit\` tasks, even none, while \`nextCursor\` says where to search
          on. Pass it as \`cursor\` with the same parameters until it is null.
        `,
        parameters: [parameters.requestId],
        requestParams: { query: listTasksQuery },
        responses: {
          200: {
            description: 'One page of tasks.',
            headers: withRequestId(),
            content: json(taskPage),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          ...failures,
        },
      },
      post: {
        tags: ['tasks'],
        operationId: 'createTask',
        summary: 'Create a task.',
        description: md`
          With an \`Idempotency-Key\`, a retry is safe: after a 503 (or no answer) the task may or
          may not have been created, and sending the same request again with the same key answers
          the first answer (201, same task, \`Idempotent-Replayed: true\`) without creating another.
          Keys are per user and remembered for 24 hours; the same key with a different body
          answers 422. Two bodies are the same when they describe the same task (title, contents,
          and the same instant as startAt, whatever its offset).
        `,
        parameters: [
          parameters.requestId,
          z
            .string()
            .min(1)
            .max(257)
            .optional()
            .meta({
              param: {
                name: IDEMPOTENCY_KEY_HEADER,
                in: 'header',
                description: md`
                  A key the client makes up for this create (a UUID, say) and sends unchanged with
                  every retry of it: 1 to 255 visible ASCII characters, optionally in double quotes
                  (the IETF draft's Structured Field string).
                `,
                example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
              },
            }),
        ],
        requestBody: body(createTaskBody),
        responses: {
          201: {
            description: 'The new task, open.',
            headers: withRequestId({
              ETag: headers.eTag,
              Location: taskLocation("The new task's URL."),
              'Idempotent-Replayed': z
                .literal('true')
                .optional()
                .meta({
                  header: {
                    description:
                      'Present (`true`) when this is the first answer to an earlier request with the same Idempotency-Key.',
                  },
                }),
            }),
            content: json(task),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.crossOrigin,
          413: responses.payloadTooLarge,
          415: responses.unsupportedMediaType,
          422: errorResponse(
            'The Idempotency-Key was already used, within 24 hours, with a different body; nothing was created.',
          ),
          ...failures,
        },
      },
    },

    '/api/tasks/{taskId}': {
      parameters: [parameters.taskId, parameters.requestId],
      get: {
        tags: ['tasks'],
        operationId: 'getTask',
        summary: 'Get one of my tasks.',
        parameters: [parameters.ifMatch, parameters.ifNoneMatch],
        responses: {
          200: {
            description: 'The task.',
            headers: withRequestId({ ETag: headers.eTag }),
            content: json(task),
          },
          304: {
            description:
              'The task is at a version If-None-Match names: the copy the client has is current.',
            headers: withRequestId({ ETag: headers.eTag }),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          404: responses.taskNotFound,
          412: responses.preconditionFailed,
          ...failures,
        },
      },
      patch: {
        tags: ['tasks'],
        operationId: 'updateTask',
        summary: 'Change any of title, contents, startAt and done.',
        description: md`
          Marking a task done sets \`completedAt\` (marking it done again keeps it); reopening
          clears it. \`done: true\` with \`completedAt\` records that time instead (undoing a reopen
          puts the old completion back). At least one field must be given; unknown fields are
          errors.
        `,
        parameters: [parameters.ifMatch, parameters.ifNoneMatch],
        requestBody: body(patchTaskBody),
        responses: {
          200: {
            description: 'The changed task.',
            headers: withRequestId({ ETag: headers.eTag }),
            content: json(task),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.crossOrigin,
          404: responses.taskNotFound,
          412: responses.preconditionFailed,
          413: responses.payloadTooLarge,
          415: responses.unsupportedMediaType,
          ...failures,
        },
      },
      put: {
        tags: ['tasks'],
        operationId: 'restoreTask',
        summary: 'Put a deleted task back, under its id and with its fields (undo a delete).',
        description: md`
          Creates the task at this URL only if no task of mine has this id (\`If-None-Match: *\`,
          required): the body is the task as \`GET\` answered it before it was deleted. The task
          comes back with the same id, title, details, start, done state, completion and creation
          time; \`updatedAt\` is the time of the restore, and the version starts again at 1. A
          restored done task counts again in the daily report of its completion day. The task
          is always mine: the owner is the signed-in user, never anything in the request, so a
          restore cannot reach another user's tasks.
        `,
        parameters: [z.literal('*').meta({ param: { name: 'If-None-Match', in: 'header' } })],
        requestBody: body(restoreTaskBody),
        responses: {
          201: {
            description: 'The task, back.',
            headers: withRequestId({
              ETag: headers.eTag,
              Location: taskLocation("The task's URL."),
            }),
            content: json(task),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.crossOrigin,
          412: errorResponse(
            md`
              A task with this id exists (it was never deleted, or was restored already): \`ETag\`
              is its version. Or the request has \`If-Match\`, which can never hold beside
              \`If-None-Match: *\`. Nothing was changed.
            `,
            { ETag: headers.eTag.optional() },
          ),
          413: responses.payloadTooLarge,
          415: responses.unsupportedMediaType,
          428: errorResponse('No If-None-Match header; PUT never replaces a task (use PATCH).'),
          ...failures,
        },
      },
      delete: {
        tags: ['tasks'],
        operationId: 'deleteTask',
        summary: 'Delete one of my tasks.',
        parameters: [parameters.ifMatch, parameters.ifNoneMatch],
        responses: {
          204: { description: 'Deleted.', headers: withRequestId() },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.crossOrigin,
          404: responses.taskNotFound,
          412: responses.preconditionFailed,
          ...failures,
        },
      },
    },

    '/api/me': {
      get: {
        tags: ['me'],
        operationId: 'getMe',
        summary: 'Who the API acts for, and whether they may read reports.',
        parameters: [parameters.requestId],
        responses: {
          200: { description: 'The current user.', headers: withRequestId(), content: json(me) },
          400: responses.badRequest,
          401: responses.unauthorized,
          503: responses.unavailable,
        },
      },
    },

    '/api/reports': {
      get: {
        tags: ['reports'],
        operationId: 'listReports',
        summary: 'Report summaries, newest date first.',
        parameters: [parameters.requestId],
        requestParams: { query: listReportsQuery },
        responses: {
          200: {
            description: 'One page of report summaries.',
            headers: withRequestId(),
            content: json(reportPage),
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.forbidden,
          ...failures,
        },
      },
    },

    '/api/reports/{date}': {
      get: {
        tags: ['reports'],
        operationId: 'getReport',
        summary: 'The report of one day, as JSON or (with `Accept: text/csv`) as CSV.',
        description: md`
          CSV follows RFC 4180: UTF-8 with a byte-order mark (so Excel reads Japanese titles
          correctly), CRLF line ends, a header row \`${REPORT_CSV_HEADER.join(',')}\`, and fields
          holding a comma, a double quote, CR or LF in double quotes with their double quotes
          doubled. A field that begins with \`=\`, \`+\`, \`-\`, \`@\`, tab, CR or LF (or their full-width
          forms) would run as a formula in a spreadsheet: as OWASP's CSV-injection guidance says,
          it gets a leading \`'\` and is quoted. JSON, the default, keeps every title exactly.
        `,
        parameters: [
          parameters.requestId,
          z.string().meta({
            format: 'date',
            param: { name: 'date', in: 'path', description: 'The reported calendar day.' },
          }),
        ],
        responses: {
          200: {
            description: 'The report.',
            headers: withRequestId(),
            content: {
              ...json(report),
              'text/csv': {
                schema: z
                  .string()
                  .regex(new RegExp(`^\\uFEFF${REPORT_CSV_HEADER.join(',')}\\r\\n`)),
              },
            },
          },
          400: responses.badRequest,
          401: responses.unauthorized,
          403: responses.forbidden,
          404: errorResponse('No report has been published for this date.'),
          406: errorResponse('The Accept header allows neither application/json nor text/csv.'),
          ...failures,
        },
      },
    },

    '/auth/login': {
      get: {
        tags: ['auth'],
        operationId: 'signIn',
        summary: 'Start signing in - redirects the browser to the identity provider.',
        description: md`
          Authorization code flow with PKCE (S256), \`state\` and \`nonce\`, kept until the callback in
          a short-lived, encrypted, HttpOnly cookie, and \`max_age\` (SESSION_MAX_AGE_SECONDS), so the
          provider asks for credentials again when its own sign-in is older than a session may be.
          After the callback the browser returns to \`returnTo\`, a path of this app (anything else
          is replaced by \`/\`). When PUBLIC_URL is http://localhost:port, a request to another
          name of the machine at that port (127.0.0.1, [::1]) is first sent to this path at
          PUBLIC_URL, where the provider returns, with the checked \`returnTo\` and no cookie.
        `,
        ...open,
        parameters: [
          parameters.requestId,
          z
            .string()
            .max(2048)
            .default('/')
            .meta({
              param: {
                name: 'returnTo',
                in: 'query',
                description:
                  'Where to go after signing in; only a same-origin path such as `/done`.',
              },
            }),
        ],
        responses: {
          303: redirect(
            "To the identity provider's authorization endpoint (or first to PUBLIC_URL, above).",
          ),
          503: providerUnavailable(md`
            The identity provider cannot be reached. JSON for API clients; a browser (Accept:
            text/html) gets a page that says so.
          `),
        },
      },
    },
    '/auth/callback': {
      get: {
        tags: ['auth'],
        operationId: 'signInCallback',
        summary: 'Where the identity provider returns the browser - sets the session cookie.',
        description: md`
          Exchanges the code (checking state, nonce and the PKCE verifier), sets the session cookie
          (HttpOnly, SameSite=Lax, Secure except on plain-http localhost) and redirects to
          \`returnTo\`. A sign-in that cannot finish (no sign-in started in this browser, an error from
          the provider, a failed check) redirects to \`/signin?error=sign-in-failed\` instead.

          A provider sign-in (\`auth_time\`) older than SESSION_MAX_AGE_SECONDS would give a session
          that has already ended: the browser goes back to the provider once more, with
          \`prompt=login\`, and if that answer is as old, to the sign-in page with the error.
        `,
        ...open,
        parameters: [parameters.requestId],
        responses: {
          303: redirect(
            'Signed in (to returnTo), or not (to the sign-in page), or asked to sign in again.',
          ),
          503: providerUnavailable(
            'The identity provider cannot be reached; nothing was signed in.',
          ),
        },
      },
    },
    '/auth/logout': {
      post: {
        tags: ['auth'],
        operationId: 'signOut',
        summary: "Sign out - clears the session, then on to the provider's end-session endpoint.",
        description: md`
          Clears the session cookie and gives the provider's end-session URL (with \`id_token_hint\`
          and \`post_logout_redirect_uri\`), or the sign-in page when the provider has none or cannot
          be reached: as JSON \`{ redirectTo }\` when asked for JSON, else as a redirect.
        `,
        parameters: [parameters.requestId],
        responses: {
          200: {
            description: 'Signed out of the app; the browser should go to `redirectTo`.',
            headers: withRequestId(),
            content: json(signedOut),
          },
          303: redirect("Signed out of the app; on to the provider's end-session endpoint."),
          403: responses.crossOrigin,
        },
      },
    },

    [CONTRACT_PATH]: {
      get: {
        tags: ['contract'],
        operationId: 'getContract',
        ...open,
        summary: 'This document, as the running version of the API has it.',
        parameters: [parameters.requestId],
        responses: {
          200: {
            description: 'The OpenAPI document, in YAML.',
            headers: withRequestId(),
            content: {
              'application/yaml': { schema: z.string().regex(/(?:^|\n)openapi: 3\.1\.0\n/) },
            },
          },
          400: responses.badRequest,
        },
      },
    },

    '/health/liveness': {
      get: {
        tags: ['operations'],
        operationId: 'liveness',
        ...open,
        summary: 'The process is running (answering at all proves it).',
        responses: { 200: responses.probeOk },
      },
    },
    '/health/readiness': {
      get: {
        tags: ['operations'],
        operationId: 'readiness',
        ...open,
        summary:
          'Ready for traffic - the tasks table was reachable at the last check and no shutdown began.',
        description: md`
          Answered from memory: a background check reaches the table at most every
          READINESS_INTERVAL_MS, so probes never load DynamoDB.
        `,
        responses: { 200: responses.probeOk, 503: responses.probeUnavailable },
      },
    },
    '/health/startup': {
      get: {
        tags: ['operations'],
        operationId: 'startup',
        ...open,
        summary: 'Started - initialised, and the first table check passed.',
        responses: { 200: responses.probeOk, 503: responses.probeUnavailable },
      },
    },
    '/metrics': {
      get: {
        tags: ['operations'],
        operationId: 'metrics',
        ...open,
        summary:
          'Prometheus metrics - request counts and latency by route and status, and process metrics.',
        responses: {
          200: {
            description: 'Prometheus text exposition format.',
            headers: withRequestId(),
            content: {
              'text/plain': { schema: z.string().regex(/# TYPE http_requests_total counter/) },
            },
          },
        },
      },
    },
  },

  components: { securitySchemes },
};
