/**
 * What several operations of the API share (document.ts): the security schemes, the request id
 * and task headers, the task-id and If-Match parameters, and the error responses. Each is written
 * once here and appears once in openapi.yaml's `components`, referred to by name: zod-openapi
 * turns a schema with `.meta({ header: { id } })` or `.meta({ param: { id } })`, and a response
 * with an `id`, into a component and a `$ref` wherever it is used.
 */
import md from 'dedent';
import { z } from 'zod';
import type {
  ZodOpenApiResponseObject,
  ZodOpenApiResponsesObject,
  ZodOpenApiSecuritySchemeObject,
} from 'zod-openapi';
import { REQUEST_ID_PATTERN } from '@task-manager/runtime';
import { cookieNames } from '../src/auth/authentication.ts';
import { MAX_LISTED_TAGS } from '../src/conditional-requests.ts';
import { JSON_BODY_LIMIT_BYTES } from '../src/middleware/json-body.ts';
import { errorBody, probeOk, probeUnavailable } from '../src/responses.ts';

const plainHttp = cookieNames('http://localhost');
const https = cookieNames('https://localhost');

export const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: md`
      An access token from the trusted issuer, for the audience OIDC_AUDIENCE: in its \`aud\`
      claim, or (OIDC_AUDIENCE_CLAIM=client_id, Amazon Cognito) in \`client_id\` with
      \`token_use: access\`.
    `,
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: plainHttp.session,
    description: md`
      The encrypted session cookie set by /auth/callback (\`${https.session}\` when the app is
      served over https). Unsafe methods must also be same-origin.
    `,
  },
} satisfies Record<string, ZodOpenApiSecuritySchemeObject>;

/** Response headers, each a component (components.headers). */
export const headers = {
  requestId: z
    .string()
    .regex(REQUEST_ID_PATTERN)
    .meta({
      header: {
        id: 'RequestId',
        description: "The request's id, also in every log line about it.",
      },
    }),
  location: z
    .string()
    .min(1)
    .meta({ header: { id: 'Location', description: 'Where the browser goes next.' } }),
  acceptEncoding: z.string().meta({
    header: {
      id: 'AcceptEncoding',
      description: 'The content codings a request body may be compressed with.',
    },
  }),
  retryAfter: z
    .string()
    .regex(/^[0-9]+$/)
    .meta({ header: { id: 'RetryAfter', description: 'Seconds to wait before retrying.' } }),
  wwwAuthenticate: z
    .string()
    .regex(/^Bearer realm="task-manager"/)
    .meta({
      header: {
        id: 'WwwAuthenticate',
        description: 'The Bearer challenge (RFC 6750), with `error` when a token was sent.',
      },
    }),
  eTag: z
    .string()
    .regex(/^"[1-9][0-9]*"$/)
    .meta({ header: { id: 'ETag', description: "The task's version as a strong entity tag." } }),
};

/** Request parameters, each a component (components.parameters). */
export const parameters = {
  requestId: z
    .string()
    .regex(REQUEST_ID_PATTERN)
    .optional()
    .meta({
      param: {
        id: 'RequestId',
        name: 'X-Request-Id',
        in: 'header',
        description: 'Kept and echoed when well-formed; otherwise the service generates one.',
      },
    }),
  taskId: z.string().meta({ param: { id: 'TaskId', name: 'taskId', in: 'path' } }),
  ifMatch: z
    .string()
    .optional()
    .meta({
      examples: ['"3"'],
      param: {
        id: 'IfMatch',
        name: 'If-Match',
        in: 'header',
        description: md`
          \`*\` or a list of at most ${MAX_LISTED_TAGS} ETags: the request is carried out only if the
          task's current ETag is one of them (strong comparison: weak tags never match), else
          412. Omit it to act whatever the task's version.
        `,
      },
    }),
  ifNoneMatch: z
    .string()
    .optional()
    .meta({
      examples: ['"3"'],
      param: {
        id: 'IfNoneMatch',
        name: 'If-None-Match',
        in: 'header',
        description: md`
          \`*\` or a list of at most ${MAX_LISTED_TAGS} ETags, compared weakly (\`W/"3"\` names
          version 3 too). \`GET\`: 304 with no body when the task's current ETag is one of them
          (the copy the client has is current). \`PATCH\` and \`DELETE\`: 412 when it is, and
          nothing is changed; \`*\` names any version, so they always answer 412 (or 404).
        `,
      },
    }),
};

/** The headers of an answer: the request id it always carries, and any others. */
export function withRequestId(more: Record<string, z.ZodType> = {}) {
  return z.object({ 'X-Request-Id': headers.requestId, ...more });
}

/** A JSON body of this schema. */
export const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

/** An error answer: the one error body, the request id, and any further headers. */
export function errorResponse(
  description: string,
  more: Record<string, z.ZodType> = {},
  id?: string,
): ZodOpenApiResponseObject {
  return {
    description,
    headers: withRequestId(more),
    content: json(errorBody),
    ...(id === undefined ? {} : { id }),
  };
}

export const responses = {
  badRequest: errorResponse(
    'Bad input (body, field, query parameter or header), each named in details; nothing was changed.',
    {},
    'BadRequest',
  ),
  unauthorized: errorResponse(
    md`
      No credentials, or ones that do not hold: a Bearer token that is malformed, expired, not
      yet valid, for another audience, from another issuer or not signed by its keys; a session
      cookie that is expired, forged or from another deployment. \`details\` names
      \`Authorization\` or \`Cookie\` and never repeats the credential.
    `,
    { 'WWW-Authenticate': headers.wwwAuthenticate },
    'Unauthorized',
  ),
  forbidden: errorResponse('The user is not an administrator.', {}, 'Forbidden'),
  crossOrigin: errorResponse(
    md`
      An unsafe request authenticated by the session cookie that did not come from the app's
      own origin (\`Origin\` differs from PUBLIC_URL, or no \`Origin\` and no
      \`Sec-Fetch-Site: same-origin\`); nothing was changed.
    `,
    {},
    'CrossOrigin',
  ),
  taskNotFound: errorResponse(
    'No such task for this user (it may not exist, or belong to someone else).',
    {},
    'TaskNotFound',
  ),
  preconditionFailed: errorResponse(
    md`
      The task's current version fails a precondition: it is not one \`If-Match\` names (the task
      changed since that version), or it is one \`If-None-Match\` names. Nothing was changed;
      \`ETag\` is the current version.
    `,
    { ETag: headers.eTag },
    'PreconditionFailed',
  ),
  payloadTooLarge: errorResponse(
    `The request body is over ${JSON_BODY_LIMIT_BYTES / 1024} KiB.`,
    {},
    'PayloadTooLarge',
  ),
  unsupportedMediaType: errorResponse(
    md`
      The request body is not declared as JSON, has an unsupported charset, or is compressed
      with a content coding the API does not decode (then \`Accept-Encoding\` lists those it does).
    `,
    { 'Accept-Encoding': headers.acceptEncoding.optional() },
    'UnsupportedMediaType',
  ),
  unavailable: errorResponse(
    md`
      DynamoDB did not answer in time or failed, or a Bearer token could not be checked because
      the identity provider's keys cannot be fetched; retry later. Nothing is half-written.
    `,
    { 'Retry-After': headers.retryAfter },
    'Unavailable',
  ),
  internalError: errorResponse(
    "An unexpected error; details are in the service's log under the request id.",
    {},
    'InternalError',
  ),
  probeOk: {
    id: 'ProbeOk',
    description: 'The probe passes.',
    headers: withRequestId(),
    content: json(probeOk),
  },
  probeUnavailable: {
    id: 'ProbeUnavailable',
    description: 'The probe fails; `error` says why.',
    headers: withRequestId(),
    content: json(probeUnavailable),
  },
} satisfies Record<string, ZodOpenApiResponseObject>;

/** The answers any operation on tasks may give besides its own. */
export const failures = {
  503: responses.unavailable,
  500: responses.internalError,
} satisfies ZodOpenApiResponsesObject;
