/**
 * End-to-end: Debian's Chromium against the real application started the way `npm start` starts
 * it (embedded DynamoDB, task-service, the production build behind `vite preview` with the
 * production Content-Security-Policy).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { describe, test } from 'node:test';
import { USER_ID_RULE } from '@task-manager/contract';
import { runReportJob } from './support/app.ts';
import {
  activeElementText,
  article,
  assertNoProblems,
  dayIn,
  normalise,
  screenshot,
  waitForFocus,
} from './support/browser.ts';
import { startSuite } from './support/suite.ts';

const ZONE = 'Asia/Tokyo';

const suite = startSuite();

// ---------------------------------------------------------------------------------------------
// Helpers

const { api, createTaskViaApi, tasksOf, signInAtProvider, signIn, signOut } = suite;

// ---------------------------------------------------------------------------------------------

describe('task manager UI', () => {
  test('pages of other origins get nothing: no CORS headers, as behind nginx', async () => {
    const foreign = 'http://localhost:1';
    for (const path of ['/', '/api/me', '/api/tasks']) {
      const response = await fetch(`${suite.app.origin}${path}`, { headers: { Origin: foreign } });
      assert.equal(response.headers.get('access-control-allow-origin'), null, path);
    }
    // A preflight is not answered by the UI's server: it reaches task-service, which has no
    // OPTIONS (405), so the browser sends nothing after it.
    const preflight = await fetch(`${suite.app.origin}/api/tasks`, {
      method: 'OPTIONS',
      headers: { Origin: foreign, 'Access-Control-Request-Method': 'DELETE' },
    });
    assert.equal(preflight.status, 405);
    assert.equal(preflight.headers.get('access-control-allow-methods'), null);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  test('a header the API takes once, sent twice, is refused behind the UI origin as in the cluster', async () => {
    // fetch would join the two lines into one; node:http sends an array as one line each.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = get(
        `${suite.app.origin}/api/me`,
        { headers: { Authorization: ['Bearer one', 'Bearer two'] } },
        (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
    });
    // task-service's 400 for the repeated header, not a 401 for the first line alone.
    assert.equal(answer.status, 400, answer.body);
    const { details } = JSON.parse(answer.body) as { details: { field: string }[] };
    assert.deepEqual(
      details.map((detail) => detail.field),
      ['Authorization'],
    );
  });

  test('a person signs in, creates, edits, completes, reopens and deletes a task', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      const response = await page.goto(`${suite.app.origin}/`);
      // The checks below for CSP violations mean something only if the policy is in force.
      assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);

      // Sign in at the development provider, after being told that a name is not acceptable.
      await page.waitForURL('**/signin');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${suite.app.issuer}/interaction/**`);
      await page.getByText('Development only.').waitFor();
      await screenshot(page, 'provider-sign-in.png');
      await page.getByLabel('User name').fill('not valid!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Use only ${USER_ID_RULE}.`).waitFor();
      const me = page.waitForResponse((r) => r.url() === `${suite.app.origin}/api/me`);
      await page.getByLabel('User name').fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.deepEqual(await (await me).json(), { userId: 'alice', name: 'alice', isAdmin: false });
      await page.getByRole('heading', { level: 1, name: 'Your tasks' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Reports' }).count(), 0);
      await page.getByText('Signed in as alice').waitFor();

      // The page never holds a token: not in its URL, its script-readable cookies or storage.
      assert.equal(page.url(), `${suite.app.origin}/`);
      assert.equal(await page.evaluate(() => document.cookie.includes('tm_session')), false);
      const webStorage = await page.evaluate(() =>
        JSON.stringify([{ ...localStorage }, { ...sessionStorage }]),
      );
      assert.doesNotMatch(webStorage, /eyJ[A-Za-z0-9_-]{10,}/, 'no JWT or JWE in web storage');
      const session = (await context.cookies(suite.app.origin)).find(
        (c) => c.name === 'tm_session',
      );
      assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
      assert.equal(session.sameSite, 'Lax');

      // An empty list says so and offers to create a task.
      await page.getByText('Nothing planned from today on.').waitFor();
      await page.getByRole('button', { name: 'Create a task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.waitFor();
      const title = dialog.getByLabel('Title');
      await waitForFocus(title); // the dialog opens with its first field focused

      // Validation errors appear next to the fields as the person types and saves.
      await title.fill('x'.repeat(101));
      await dialog.getByText('Use at most 100 characters.').waitFor();
      await dialog.getByText('101 of 100 characters').waitFor();
      await dialog.getByLabel('Starts at').fill('');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await dialog.getByText('Choose the date and time the task starts.').waitFor();
      assert.equal(await title.getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'task-dialog-validation.png');
      assert.equal((await tasksOf('alice')).length, 0, 'nothing is sent while the form is invalid');

      const tomorrow = dayIn(ZONE, 1);
      await title.fill('Prepare the quarterly review');
      await dialog.getByLabel('Details').fill('Collect the numbers\nBook meeting room 3F');
      await dialog.getByLabel('Starts at').fill(`${tomorrow}T09:30`);
      await dialog.getByText('28 of 100 characters').waitFor();
      assert.equal(await dialog.locator('.field-error').count(), 0);
      await screenshot(page, 'task-dialog.png');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByText('Task “Prepare the quarterly review” created.').waitFor();

      // Listed with its local start time and its line breaks.
      const created = article(page, 'Prepare the quarterly review');
      await created.waitFor();
      const shown = await created.innerText();
      assert.match(shown, /Collect the numbers\nBook meeting room 3F/);
      const start = new Date(`${tomorrow}T09:30:00+09:00`);
      const expectedTime = new Intl.DateTimeFormat('en-US', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: ZONE,
      }).format(start);
      assert.ok(normalise(shown).includes(normalise(expectedTime)), `${shown} / ${expectedTime}`);
      const [stored] = await tasksOf('alice');
      assert.equal(Date.parse(stored!.startAt), start.getTime());

      // A fuller list for the screenshot: a Japanese task and one already done today.
      await createTaskViaApi('alice', {
        title: '週次ミーティングの準備',
        contents: '議題をまとめる\n資料を共有する',
        startAt: `${tomorrow}T14:00:00+09:00`,
      });
      const doneToday = await createTaskViaApi('alice', {
        title: 'Send the invoice',
        startAt: `${dayIn(ZONE)}T23:59:00+09:00`,
      });
      await api('alice', `/tasks/${doneToday.taskId}`, {
        method: 'PATCH',
        body: JSON.stringify({ done: true }),
      });
      await page.reload();
      await article(page, '週次ミーティングの準備').waitFor();
      assert.deepEqual(
        await page.locator('article h3').allInnerTexts(),
        ['Send the invoice', 'Prepare the quarterly review', '週次ミーティングの準備'],
        'tasks are listed by start time',
      );
      await screenshot(page, 'task-list.png');

      // Edit: the dialog loads the task, and the change is saved.
      await created.getByRole('button', { name: 'Edit “Prepare the quarterly review”' }).click();
      const editDialog = page.getByRole('dialog', { name: 'Edit task' });
      await editDialog.waitFor();
      await editDialog.getByLabel('Title').waitFor();
      assert.equal(
        await editDialog.getByLabel('Title').inputValue(),
        'Prepare the quarterly review',
      );
      assert.equal(await editDialog.getByLabel('Starts at').inputValue(), `${tomorrow}T09:30`);
      await editDialog.getByLabel('Title').fill('Prepare the Q4 review');
      await editDialog.getByRole('button', { name: 'Save changes' }).click();
      await editDialog.waitFor({ state: 'hidden' });
      const renamed = article(page, 'Prepare the Q4 review');
      await renamed.waitFor();
      assert.equal(await article(page, 'Prepare the quarterly review').count(), 0);
      assert.equal(
        (await tasksOf('alice')).find((t) => t.taskId === stored!.taskId)?.title,
        'Prepare the Q4 review',
      );

      // Complete in one click.
      await renamed.getByRole('button', { name: 'Mark done “Prepare the Q4 review”' }).click();
      await renamed.getByRole('button', { name: 'Reopen “Prepare the Q4 review”' }).waitFor();
      await page.getByText('“Prepare the Q4 review” marked done.').waitFor();
      const completed = (await tasksOf('alice')).find((t) => t.taskId === stored!.taskId)!;
      assert.equal(completed.done, true);
      assert.ok(completed.completedAt);

      // It is in the Done view; reopen it from there.
      await page.getByRole('link', { name: 'Done', exact: true }).click();
      await page.waitForURL('**/done');
      const inDone = article(page, 'Prepare the Q4 review');
      await inDone.waitFor();
      assert.equal(await article(page, '週次ミーティングの準備').count(), 0);
      await inDone.getByRole('button', { name: 'Reopen “Prepare the Q4 review”' }).click();
      await page.getByText('“Prepare the Q4 review” reopened.').waitFor();
      const reopened = (await tasksOf('alice')).find((t) => t.taskId === stored!.taskId)!;
      assert.equal(reopened.done, false);
      assert.equal(reopened.completedAt, null);

      // Delete, with confirmation: cancelling keeps the task.
      await page.getByRole('link', { name: 'Upcoming', exact: true }).click();
      const toDelete = article(page, 'Prepare the Q4 review');
      await toDelete.getByRole('button', { name: 'Delete “Prepare the Q4 review”' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete task?' });
      await confirm
        .getByText('“Prepare the Q4 review” will be deleted. You can undo this for a few seconds')
        .waitFor();
      // Focus starts on the safe choice (as the dialog renders: waited for, not read at once).
      await waitForFocus(confirm.getByRole('button', { name: 'Cancel', exact: true }));
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      assert.equal(await toDelete.count(), 1);

      await toDelete.getByRole('button', { name: 'Delete “Prepare the Q4 review”' }).click();
      await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
      await toDelete.waitFor({ state: 'detached' });
      await page.getByText('Task “Prepare the Q4 review” deleted.').waitFor();
      assert.equal((await api('alice', `/tasks/${stored!.taskId}`)).status, 404);

      // The provider refused the unacceptable name with a 400; nothing else may fail.
      assertNoProblems(problems.filter((problem) => !/^400 .*\/interaction\//.test(problem)));
    } finally {
      await context.close();
    }
  });

  test('alice signs in, creates a task, signs out; bob cannot see it; only admin sees Reports', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, 'alice');
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill('Alice’s private plan');
      await dialog.getByLabel('Starts at').fill(`${dayIn(ZONE, 2)}T10:00`);
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await article(page, 'Alice’s private plan').waitFor();
      const secret = (await tasksOf('alice')).find((t) => t.title === 'Alice’s private plan')!;
      await signOut(page);
      // Signed out of the app and of the provider: the app's API no longer answers this browser.
      assert.equal((await page.request.get(`${suite.app.origin}/api/me`)).status(), 401);

      // Bob, in the same browser: the provider asks who he is again.
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInAtProvider(page, 'bob');
      await page.getByText('Signed in as bob').waitFor();
      await page.getByRole('link', { name: 'All', exact: true }).click();
      await page.getByText('You have no tasks yet.').waitFor();
      assert.equal(await article(page, 'Alice’s private plan').count(), 0);
      // Not even by its URL, with his own session.
      const direct = await page.request.get(`${suite.app.origin}/api/tasks/${secret.taskId}`);
      assert.equal(direct.status(), 404);
      assert.equal(await page.getByRole('link', { name: 'Reports' }).count(), 0);
      const reports = await page.request.get(`${suite.app.origin}/api/reports`);
      assert.equal(reports.status(), 403);
      await signOut(page);

      // admin (in the task-admins group at the provider) sees Reports.
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInAtProvider(page, 'admin');
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Daily reports' }).waitFor();
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('a session that ends while typing: sign in again, and the draft is still there', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, 'lena');
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill('Typed before the session ended');
      await dialog.getByLabel('Details').fill('Every word of this\nmust survive');
      // The session ends (as after the idle limit): the browser no longer has a valid one.
      await context.clearCookies({ name: 'tm_session' });
      // Through /auth/login to the provider, whose own session still knows lena: straight back.
      const viaProvider = page.waitForRequest((r) =>
        r.url().startsWith(`${suite.app.issuer}/auth?`),
      );
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await viaProvider;
      const again = page.getByRole('dialog', { name: 'New task' });
      await again.getByText('What you had typed is back').waitFor();
      assert.equal(await again.getByLabel('Title').inputValue(), 'Typed before the session ended');
      assert.equal(
        await again.getByLabel('Details').inputValue(),
        'Every word of this\nmust survive',
      );
      await again.getByRole('button', { name: 'Create task' }).click();
      await article(page, 'Typed before the session ended').waitFor();
      assert.deepEqual(
        (await tasksOf('lena')).map((task) => task.title),
        ['Typed before the session ended'],
      );
      // The create without a session answered 401, which sent the page to sign in again.
      assertNoProblems(problems.filter((problem) => !/^401 .*\/api\/tasks$/.test(problem)));
    } finally {
      await context.close();
    }
  });

  test('a sign-in page that can no longer finish says why, and leads back to signing in', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      await page.goto(`${suite.app.origin}/`);
      await page.waitForURL('**/signin');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${suite.app.issuer}/interaction/**`);
      // The provider no longer knows this sign-in, as when its page was left open past its
      // 10 minutes: the cookie that ties the page to it is gone.
      await context.clearCookies({ name: /^_interaction/ });
      await page.getByLabel('User name').fill('mia');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
      await page.getByText('interaction session id cookie not found').waitFor();

      await page.getByRole('link', { name: 'Back to the app' }).click();
      await page.waitForURL(`${suite.app.origin}/signin`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await suite.signInAtProvider(page, 'mia');
      await page.getByRole('button', { name: 'New task' }).waitFor();
      // The refused form post is the one failed request.
      assertNoProblems(problems.filter((problem) => !/^400 .*\/interaction\//.test(problem)));
    } finally {
      await context.close();
    }
  });

  test('a sign-in started at another name of this machine (127.0.0.1) ends signed in at the app', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      // Where the Sign in button leads, on a page opened at 127.0.0.1 (in a cluster nginx serves
      // the page at any name; npm start would first send the page itself to localhost).
      const elsewhere = `http://127.0.0.1:${new URL(suite.app.origin).port}`;
      await page.goto(`${elsewhere}/auth/login?returnTo=%2Fdone`);
      await signInAtProvider(page, 'omar');
      await page.waitForURL(`${suite.app.origin}/done`);
      await page.getByText('Signed in as omar').waitFor();
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('works with the keyboard alone, with visible focus', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      await page.goto(`${suite.app.origin}/`);
      await page.waitForURL('**/signin');
      // The Sign in button has focus on arrival; at the provider, the name field does.
      await waitForFocus(page.getByRole('button', { name: 'Sign in', exact: true }));
      await page.keyboard.press('Enter');
      await page.waitForURL(`${suite.app.issuer}/interaction/**`);
      await waitForFocus(page.getByLabel('User name'));
      await page.keyboard.type('kim');
      await page.keyboard.press('Enter');
      await page.getByText('Signed in as kim').waitFor();
      await page.getByText('Nothing planned from today on.').waitFor();

      let reached = false;
      for (let i = 0; i < 30 && !reached; i += 1) {
        await page.keyboard.press('Tab');
        reached = (await activeElementText(page)) === 'New task';
      }
      assert.ok(reached, 'Tab reaches the New task button');
      const outline = await page.evaluate(
        () => getComputedStyle(document.activeElement!).outlineStyle,
      );
      assert.notEqual(outline, 'none', 'the focused control shows a focus ring');

      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await waitForFocus(dialog.getByLabel('Title'));
      await page.keyboard.type('Typed with the keyboard');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await article(page, 'Typed with the keyboard').waitFor();
      // Focus moves as the page renders, which on a busy machine comes after the key press:
      // each focus below is waited for (and fails by timing out), never read at once.
      const newTaskButton = page.getByRole('button', { name: 'New task', exact: true });
      await waitForFocus(newTaskButton); // focus returns to the opener

      // Esc asks before discarding what was typed: Esc again keeps editing, Discard closes.
      await page.keyboard.press('Enter');
      await waitForFocus(dialog.getByLabel('Title'));
      await page.keyboard.type('Never saved');
      await page.keyboard.press('Escape');
      const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
      const keepEditing = discard.getByRole('button', { name: 'Keep editing', exact: true });
      await discard.waitFor();
      await waitForFocus(keepEditing); // focus on the safe choice
      await page.keyboard.press('Escape');
      await discard.waitFor({ state: 'hidden' });
      assert.equal(await dialog.getByLabel('Title').inputValue(), 'Never saved');
      await page.keyboard.press('Escape');
      await discard.waitFor();
      await waitForFocus(keepEditing);
      await page.keyboard.press('Tab');
      await waitForFocus(discard.getByRole('button', { name: 'Discard', exact: true }));
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await waitForFocus(newTaskButton);
      assert.deepEqual(
        (await tasksOf('kim')).map((t) => t.title),
        ['Typed with the keyboard'],
      );

      // Onwards to the task's own buttons; Space presses them.
      for (let i = 0; i < 10; i += 1) {
        await page.keyboard.press('Tab');
        if ((await activeElementText(page)).startsWith('Mark done')) break;
      }
      await page.keyboard.press('Space');
      await page.getByText('“Typed with the keyboard” marked done.').waitFor();
      assert.equal((await tasksOf('kim'))[0]!.done, true);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('long lists page through the API cursor with Load more', async () => {
    const day = dayIn(ZONE, 3);
    for (let i = 0; i < 25; i += 1) {
      const minute = String(i).padStart(2, '0');
      await createTaskViaApi('carol', {
        title: `Batch ${minute}`,
        startAt: `${day}T08:${minute}:00+09:00`,
      });
    }
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, 'carol');
      await article(page, 'Batch 00').waitFor();
      assert.equal(await page.getByRole('article').count(), 20);
      await page.getByRole('button', { name: 'Load more' }).click();
      await article(page, 'Batch 24').waitFor();
      assert.equal(await page.getByRole('article').count(), 25);
      assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('Japanese from the browser language, a remembered switch, readable on a phone', async () => {
    await createTaskViaApi('dana', {
      title: '企画書のレビュー',
      contents: '第3章を重点的に\n金曜までに返信',
      startAt: `${dayIn(ZONE, 1)}T10:00:00+09:00`,
    });
    await createTaskViaApi('dana', {
      title: 'A task with a rather long English title that has to wrap on a narrow phone screen',
      startAt: `${dayIn(ZONE, 1)}T15:30:00+09:00`,
    });
    const { page, context, problems } = await suite.newPerson({
      locale: 'ja-JP',
      viewport: { width: 390, height: 844 },
    });
    try {
      await signIn(page, 'dana', 'サインイン');
      await page.getByRole('heading', { level: 1, name: 'タスク' }).waitFor();
      await article(page, '企画書のレビュー').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ja');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
      await screenshot(page, 'task-list-phone-ja.png');

      await page.getByLabel('言語').selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'Your tasks' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Your tasks' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('admins see the Reports page with a chart and CSV download; others do not', async () => {
    const today = dayIn(ZONE);
    const finished = await createTaskViaApi('alice', {
      title: 'Ship it, "today"',
      startAt: `${today}T09:00:00+09:00`,
    });
    const patched = await api('alice', `/tasks/${finished.taskId}`, {
      method: 'PATCH',
      body: JSON.stringify({ done: true }),
    });
    assert.equal(patched.status, 200);
    await runReportJob(suite.app, today);

    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Daily reports' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'Asia/Tokyo' }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /alice \(\d+\)/);
      // Today's report was made before the day ended (unless midnight passed since): the row
      // says so exactly when the API does.
      const { partial } = (await (await api('admin', `/reports/${today}`)).json()) as {
        partial: boolean;
      };
      assert.equal(/\bpartial\b/.test(await row.innerText()), partial);
      assert.ok((await page.locator('figure svg rect').count()) >= 1, 'the chart has a bar');
      // At desktop width every column, the download button included, fits without scrolling.
      const fit = await page.locator('.table-wrap').evaluate((wrap) => ({
        overflow: wrap.scrollWidth - wrap.clientWidth,
        columns: Array.from(wrap.querySelectorAll('thead th'))
          .map((cell) => `${cell.textContent}=${Math.round(cell.getBoundingClientRect().width)}`)
          .join(' '),
      }));
      assert.ok(
        fit.overflow <= 0,
        `the reports table overflows by ${fit.overflow}px: ${fit.columns}`,
      );
      await screenshot(page, 'reports.png');

      const downloadName = new Intl.DateTimeFormat('en-US', {
        dateStyle: 'medium',
        timeZone: 'UTC',
      }).format(new Date(`${today}T00:00:00Z`));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Download CSV of ${downloadName}` }).click(),
      ]);
      assert.equal(download.suggestedFilename(), `tasks-completed-${today}.csv`);
      const csv = await readFile((await download.path())!, 'utf8');
      // UTF-8 with a byte-order mark, so a spreadsheet reads it as UTF-8.
      assert.match(csv, /^\uFEFFtaskId,userId,title,completedAt\r\n/);
      assert.ok(csv.includes(`${finished.taskId},alice,"Ship it, ""today""",`), csv);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }

    const other = await suite.newPerson();
    try {
      await signIn(other.page, 'alice');
      // The header shows who is signed in and the links for them in one render.
      await other.page.getByText('Signed in as alice').waitFor();
      assert.equal(await other.page.getByRole('link', { name: 'Reports' }).count(), 0);
      await other.page.goto(`${suite.app.origin}/reports`);
      await other.page
        .getByText('Only administrators can see the reports. Ask an administrator for access.')
        .waitFor();
    } finally {
      await other.context.close();
    }
  });
});
