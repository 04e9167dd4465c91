/**
 * The sign-in page: a user name and no password. oidc-provider sends the browser here when it
 * needs someone to sign in (`/interaction/<uid>`); the form posts back, and the provider carries
 * on with the authorization request it interrupted.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { USER_ID_MAX_LENGTH, USER_ID_RULE, isUserId } from '@task-manager/contract';
import { escapeHtml, page } from './html.ts';
import { APP_SCOPES, origins, send } from './provider.ts';
import { recordError } from './request-errors.ts';

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/;
const MAX_FORM_BYTES = 4096;

export interface InteractionOptions {
  /** The public path of the interaction pages (the issuer's path + /interaction). */
  interactionUrl: string;
  adminUsers: ReadonlySet<string>;
  apiAudience: string;
  /** Where a finished sign-in may redirect to, for the page's form-action. */
  redirectUris: readonly string[];
}

function loginPage(
  options: InteractionOptions,
  uid: string,
  clientName: string,
  typed = '',
  error?: string,
) {
  const admins = [...options.adminUsers].map((user) => `“${escapeHtml(user)}”`).join(', ');
  return page(
    'Sign in (development)',
    `<h1>Sign in to ${escapeHtml(clientName)}</h1>
<p class="warning" role="note"><b>Development only.</b> This sign-in asks no password: anyone can
be anyone here. Never use this identity provider outside development.</p>
<form method="post" action="${escapeHtml(`${options.interactionUrl}/${uid}/login`)}" novalidate>
<label for="username">User name</label>
<input id="username" name="username" value="${escapeHtml(typed)}" autocomplete="username"
 autocapitalize="none" spellcheck="false" maxlength="${USER_ID_MAX_LENGTH}" required autofocus
 aria-describedby="username-hint${error ? ' username-error' : ''}"${error ? ' aria-invalid="true"' : ''}>
<p id="username-hint" class="hint">User names: ${USER_ID_RULE}.${admins ? ` ${admins} is an administrator.` : ''}</p>
${error ? `<p id="username-error" class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit">Sign in</button>
</form>`,
    { formTargets: origins(options.redirectUris) },
  );
}

async function readForm(req: NodeJS.ReadableStream): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function interactions(provider: Provider, options: InteractionOptions): Middleware {
  return async (ctx, next) => {
    const match = INTERACTION.exec(ctx.path);
    if (!match) return next();
    const [, uid = '', login] = match;
    ctx.set('Cache-Control', 'no-store');

    // Throws SessionNotFound (answered by the provider's error page) for an unknown or
    // expired interaction, or when its cookie is missing (another browser, a cross-site post).
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? 'the app';

    if (details.prompt.name === 'consent') {
      // oidc-provider asks native clients (npm run token) for consent every time. Both clients
      // are this project's own, so consent is given on the person's behalf, without a screen.
      const accountId = details.session?.accountId;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ clientId: String(details.params.client_id), accountId });
      if (!accountId || !grant) return ctx.throw(400, 'no account or grant to consent for');
      grant.addOIDCScope(APP_SCOPES);
      grant.addResourceScope(options.apiAudience, 'tasks');
      const grantId = await grant.save();
      ctx.respond = false;
      await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } });
      return;
    }
    if (!login) {
      if (ctx.method !== 'GET') ctx.throw(405);
      send(ctx, loginPage(options, uid, clientName));
      return;
    }
    if (ctx.method !== 'POST') ctx.throw(405);
    const form = await readForm(ctx.req);
    if (!form) return ctx.throw(413, `the form is larger than ${MAX_FORM_BYTES} bytes`);
    const username = (form.get('username') ?? '').trim();
    if (!isUserId(username)) {
      const problem = username === '' ? 'Enter a user name.' : `Use only ${USER_ID_RULE}.`;
      recordError(ctx.req, { error: 'invalid_request', error_description: `username: ${problem}` });
      ctx.status = 400;
      send(ctx, loginPage(options, uid, clientName, username, problem));
      return;
    }
    // The provider answers the browser itself (a 303 back to the authorization request).
    ctx.respond = false;
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: username } },
      { mergeWithLastSubmission: false },
    );
  };
}
