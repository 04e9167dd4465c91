/**
 * End-to-end, issue 12: what people expect of a task manager, in Debian's Chromium against the
 * real app (npm start's scripts/start.ts): overdue work in sight, search, sort and status,
 * Undo, conflicts that keep what was typed, closing that asks first, the keyboard, the reports
 * on a phone, and several tabs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { eventually } from '@task-manager/testing';
import { runReportJob } from './support/app.ts';
import { article, assertNoProblems, dayIn, screenshot, waitForFocus } from './support/browser.ts';
import { startSuite } from './support/suite.ts';

const ZONE = 'Asia/Tokyo';

const suite = startSuite();

const { api, createTaskViaApi, patchViaApi, tasksOf, signIn, signInAtProvider, signOut } = suite;

/** An instant `hours` from now, as the API takes it. */
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** The headings of the page in order, as "h1 Your tasks". */
async function headings(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('main h1, main h2, main h3')).map(
      (heading) => `${heading.tagName.toLowerCase()} ${heading.textContent?.trim()}`,
    ),
  );
}

/** No heading level is skipped on the way down (h1 → h3 with no h2 between). */
function assertHeadingsInOrder(list: string[]): void {
  let previous = 0;
  for (const heading of list) {
    const level = Number(heading[1]);
    assert.ok(level <= previous + 1, `${heading} follows an h${previous}: ${list.join(' / ')}`);
    previous = level;
  }
}

describe('overdue work in sight', () => {
  test('Upcoming: overdue first and marked in words, then Today, Tomorrow, Later; each counted', async () => {
    const user = 'olga';
    await createTaskViaApi(user, { title: 'File the taxes', startAt: inHours(-24 * 45) });
    await createTaskViaApi(user, { title: 'Call the bank', startAt: inHours(-2) });
    const doneLongAgo = await createTaskViaApi(user, {
      title: 'Done long ago',
      startAt: inHours(-24 * 9),
    });
    await patchViaApi(user, doneLongAgo.taskId, { done: true });
    await createTaskViaApi(user, { title: 'Dentist', startAt: `${dayIn(ZONE, 1)}T10:00:00+09:00` });
    await createTaskViaApi(user, {
      title: 'Holiday',
      startAt: `${dayIn(ZONE, 20)}T10:00:00+09:00`,
    });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      const overdue = page.getByRole('region', { name: /^Overdue/ });
      await overdue.waitFor();
      const groups = await page.locator('section.group h2').allInnerTexts();
      assert.deepEqual(groups, ['Overdue (2)', 'Tomorrow (1)', 'Later (1)']);
      assert.deepEqual(await overdue.locator('h3').allInnerTexts(), [
        'File the taxes',
        'Call the bank',
      ]);
      // Marked in words for everyone, not only by colour.
      assert.match(await article(page, 'Call the bank').innerText(), /Overdue/);
      assert.equal(await article(page, 'Done long ago').count(), 0);
      await page.getByText('4 tasks', { exact: true }).waitFor();
      assertHeadingsInOrder(await headings(page));

      // A task created from Upcoming with a past time shows among the overdue ones.
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill('Forgotten invoice');
      await dialog.getByLabel('Starts at').fill(`${dayIn(ZONE, -3)}T09:00`);
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await overdue.getByRole('article', { name: 'Forgotten invoice' }).waitFor();
      await page.getByText('Task “Forgotten invoice” created.').waitFor();
      await screenshot(page, 'overdue-groups.png');

      // Created where this view does not show it: the message says where it went.
      await page.getByRole('link', { name: 'Done', exact: true }).click();
      await page.waitForURL('**/done');
      await page.getByRole('button', { name: 'New task' }).click();
      await dialog.getByLabel('Title').fill('Plan the offsite');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await page
        .getByText('Task “Plan the offsite” created. It is listed under Upcoming.')
        .waitFor();
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});

describe('finding tasks', () => {
  test('search by words, any case or width, Japanese included; only my tasks; / focuses it', async () => {
    const user = 'sora';
    await createTaskViaApi(user, { title: 'Quarterly REPORT', startAt: inHours(24) });
    await createTaskViaApi(user, { title: '昼食', contents: '報告書を渡す', startAt: inHours(25) });
    await createTaskViaApi(user, { title: 'ｶﾀｶﾅの練習', startAt: inHours(26) });
    await createTaskViaApi(user, { title: 'Groceries', startAt: inHours(27) });
    await createTaskViaApi('someone-else', { title: 'Another report', startAt: inHours(24) });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      await article(page, 'Groceries').waitFor();
      await page.keyboard.press('/');
      const search = page.getByRole('searchbox', { name: 'Search' });
      await waitForFocus(search);
      // Typing in the field is typing: "n" does not open a new task.
      await page.keyboard.type('report');
      assert.equal(await page.getByRole('dialog').count(), 0);
      await page.keyboard.press('Enter');
      await page.getByText('1 found for “report”').waitFor();
      assert.deepEqual(await page.locator('article h3').allInnerTexts(), ['Quarterly REPORT']);
      assert.match(page.url(), /\?q=report$/);
      await screenshot(page, 'search-results.png');

      for (const [query, title] of [
        ['報告', '昼食'],
        ['カタカナ', 'ｶﾀｶﾅの練習'],
        ['ＱＵＡＲＴＥＲＬＹ', 'Quarterly REPORT'],
      ] as const) {
        await search.fill(query);
        await search.press('Enter');
        await page.getByText(`1 found for “${query}”`).waitFor();
        assert.deepEqual(await page.locator('article h3').allInnerTexts(), [title]);
        // The query stays readable whole in its field, with Clear search shown beside or below.
        const fits = await search.evaluate((input) => input.scrollWidth <= input.clientWidth);
        assert.ok(fits, `the search field cuts "${query}" off`);
      }
      await search.fill('nothing like it');
      await search.press('Enter');
      await page.getByText('No task matches “nothing like it” here.').waitFor();
      await page.getByRole('button', { name: 'Clear search' }).click();
      await article(page, 'Groceries').waitFor();
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('status and order in every view; Done by completion time, newest first', async () => {
    const user = 'ravi';
    const [first, , third] = [
      await createTaskViaApi(user, { title: 'First', startAt: inHours(1) }),
      await createTaskViaApi(user, { title: 'Second', startAt: inHours(2) }),
      await createTaskViaApi(user, { title: 'Third', startAt: inHours(3) }),
    ];
    // Completed in the order Third, First.
    await patchViaApi(user, third!.taskId, { done: true });
    await eventually(async () => {
      const done = await patchViaApi(user, first!.taskId, { done: true });
      const thirdDone = (await tasksOf(user)).find((task) => task.taskId === third!.taskId)!;
      assert.ok(done.completedAt! > thirdDone.completedAt!, 'completed later');
    });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      await page.getByRole('link', { name: 'All', exact: true }).click();
      await article(page, 'Third').waitFor();
      const titles = () => page.locator('article h3').allInnerTexts();
      assert.deepEqual(await titles(), ['First', 'Second', 'Third']);
      await page.getByLabel('Sort').selectOption({ label: 'Start time, latest first' });
      await eventually(async () => assert.deepEqual(await titles(), ['Third', 'Second', 'First']));
      await page.getByLabel('Status').selectOption({ label: 'Open' });
      await eventually(async () => assert.deepEqual(await titles(), ['Second']));
      assert.match(page.url(), /\/all\?status=open&order=desc$/);

      await page.getByRole('link', { name: 'Done', exact: true }).click();
      await page.waitForURL('**/done');
      await eventually(async () => assert.deepEqual(await titles(), ['First', 'Third']));
      assert.equal(
        await page.getByLabel('Sort').inputValue(),
        'completedAt-desc',
        'the Done view starts with the newest completion',
      );
      await page.getByLabel('Sort').selectOption({ label: 'Start time, earliest first' });
      await eventually(async () => assert.deepEqual(await titles(), ['First', 'Third']));
      await page.getByLabel('Sort').selectOption({ label: 'Completed, oldest first' });
      await eventually(async () => assert.deepEqual(await titles(), ['Third', 'First']));
      // In Done, another status is the All view with that filter.
      await page.getByLabel('Status').selectOption({ label: 'Open' });
      await page.waitForURL('**/all?status=open');
      await eventually(async () => assert.deepEqual(await titles(), ['Second']));
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});

describe('safe by default', () => {
  test('Undo after delete restores the same task; after done and reopen, the state it had', async () => {
    const user = 'uma';
    const kept = await createTaskViaApi(user, {
      title: 'Renew the passport',
      contents: 'Photo\nForm B',
      startAt: `${dayIn(ZONE, 2)}T09:00:00+09:00`,
    });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      const task = article(page, 'Renew the passport');
      await task.getByRole('button', { name: 'Mark done “Renew the passport”' }).click();
      await page.getByText('“Renew the passport” marked done.').waitFor();
      const done = (await tasksOf(user))[0]!;
      assert.equal(done.done, true);
      await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
      await page.getByText('Undone: “Renew the passport” is as it was.').waitFor();
      assert.equal((await tasksOf(user))[0]!.done, false);

      // Done again, then reopened from the Done view: Undo puts the same completion back.
      await task.getByRole('button', { name: 'Mark done “Renew the passport”' }).click();
      await page.getByText('“Renew the passport” marked done.').waitFor();
      const completedAt = (await tasksOf(user))[0]!.completedAt;
      await page.getByRole('link', { name: 'Done', exact: true }).click();
      await task.getByRole('button', { name: 'Reopen “Renew the passport”' }).click();
      await page.getByText('“Renew the passport” reopened.').waitFor();
      // The z key does what the message offers.
      await page.keyboard.press('z');
      await page.getByText('Undone: “Renew the passport” is as it was.').waitFor();
      assert.equal((await tasksOf(user))[0]!.completedAt, completedAt);

      // Delete, then Undo: the same id and fields come back.
      const before = (await tasksOf(user))[0]!;
      await task.getByRole('button', { name: 'Delete “Renew the passport”' }).click();
      await page
        .getByRole('dialog', { name: 'Delete task?' })
        .getByRole('button', { name: 'Delete', exact: true })
        .click();
      await task.waitFor({ state: 'detached' });
      await page.getByText('Task “Renew the passport” deleted.').waitFor();
      assert.equal((await api(user, `/tasks/${kept.taskId}`)).status, 404);
      await screenshot(page, 'undo-delete.png');
      await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
      await page.getByText('Task “Renew the passport” restored.').waitFor();
      await task.waitFor();
      const after = (await (await api(user, `/tasks/${kept.taskId}`)).json()) as typeof before;
      // Everything but the time of the write itself.
      assert.deepEqual({ ...after, updatedAt: '' }, { ...before, updatedAt: '' });
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('a conflict keeps what was typed: compare, keep mine on top of theirs, or take theirs', async () => {
    const user = 'carmen';
    const task = await createTaskViaApi(user, {
      title: 'Budget draft',
      contents: 'v1',
      startAt: `${dayIn(ZONE, 1)}T09:00:00+09:00`,
    });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      const edit = async () => {
        await article(page, (await tasksOf(user))[0]!.title)
          .getByRole('button', { name: /^Edit/ })
          .click();
        const dialog = page.getByRole('dialog', { name: 'Edit task' });
        await dialog.getByLabel('Title').waitFor();
        return dialog;
      };

      // Keep mine: my title on top of their details.
      let dialog = await edit();
      await dialog.getByLabel('Title').fill('Budget draft, checked');
      await patchViaApi(user, task.taskId, { contents: 'v2 from the other tab' });
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      const yours = dialog.getByRole('region', { name: 'Your version' });
      const theirs = dialog.getByRole('region', { name: 'Current version' });
      await yours.getByText('Budget draft, checked').waitFor();
      await theirs.getByText('v2 from the other tab').waitFor();
      // Behind the dialog, the list already shows the current version.
      await article(page, 'Budget draft').getByText('v2 from the other tab').waitFor();
      await screenshot(page, 'conflict.png');
      await dialog.getByRole('button', { name: 'Keep mine' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const merged = (await tasksOf(user))[0]!;
      assert.equal(merged.title, 'Budget draft, checked');
      assert.equal(merged.contents, 'v2 from the other tab');
      await article(page, 'Budget draft, checked').getByText('v2 from the other tab').waitFor();

      // Take theirs: the form shows the current version; nothing of mine is saved.
      dialog = await edit();
      await dialog.getByLabel('Details').fill('my details');
      await patchViaApi(user, task.taskId, { title: 'Budget final' });
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.getByRole('button', { name: 'Take the current one' }).click();
      assert.equal(await dialog.getByLabel('Title').inputValue(), 'Budget final');
      assert.equal(await dialog.getByLabel('Details').inputValue(), 'v2 from the other tab');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await article(page, 'Budget final').waitFor();
      assert.equal((await tasksOf(user))[0]!.contents, 'v2 from the other tab');
      // Both saves over a newer version answered 412, which showed the comparison.
      assertNoProblems(problems.filter((problem) => !problem.startsWith('412 ')));
    } finally {
      await context.close();
    }
  });

  test('closing with unsaved changes asks first: Escape, Cancel, a click outside, Esc at once', async () => {
    const user = 'dmitri';
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
      // Untouched, a click outside simply closes it.
      await page.mouse.click(5, 5);
      await dialog.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'New task' }).click();
      await dialog.getByLabel('Title').fill('Half a thought');
      for (const close of [
        () => page.keyboard.press('Escape'),
        () => dialog.getByRole('button', { name: 'Cancel' }).click(),
        () => page.mouse.click(5, 5),
      ]) {
        await close();
        await discard.waitFor();
        await discard.getByRole('button', { name: 'Keep editing' }).click();
        await discard.waitFor({ state: 'hidden' });
        assert.equal(await dialog.getByLabel('Title').inputValue(), 'Half a thought');
      }
      // Keep editing, then Esc straight away: the question closes and opens again before the
      // browser's close event for the first answer arrives (a task later). That late event must
      // not answer the new question. Done in one page task, so the order is certain.
      await page.keyboard.press('Escape');
      await discard.waitFor();
      const keepEditing = discard.getByRole('button', { name: 'Keep editing', exact: true });
      await keepEditing.evaluate(
        async (button: HTMLElement, taskDialog) => {
          button.click();
          // Vue closes the question in its next flush (a microtask); the close event is queued.
          await Promise.resolve();
          taskDialog.dispatchEvent(new Event('cancel', { cancelable: true }));
          await Promise.resolve();
          // Two frames: the late close event has been dispatched by then.
          await new Promise((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(resolve)),
          );
        },
        await dialog.elementHandle(),
      );
      assert.ok(await discard.isVisible(), 'the question asked again is still open');
      await keepEditing.click();
      await discard.waitFor({ state: 'hidden' });
      assert.equal(await dialog.getByLabel('Title').inputValue(), 'Half a thought');
      // An Esc Chromium does not let the page refuse (it allows one refusal per interaction, so
      // that no page can trap anyone): a cancel event that cannot be cancelled, and the dialog
      // closes. It still asks, and the question is in front, not under a dialog reopened after it.
      await dialog.evaluate((element: HTMLDialogElement) => {
        element.dispatchEvent(new Event('cancel', { cancelable: false }));
        element.close();
      });
      await discard.waitFor();
      await discard.getByRole('button', { name: 'Keep editing' }).click();
      await discard.waitFor({ state: 'hidden' });
      await dialog.getByLabel('Title').click();
      await page.keyboard.press('End');
      await page.keyboard.type(', and more');
      assert.equal(await dialog.getByLabel('Title').inputValue(), 'Half a thought, and more');
      await page.keyboard.press('Escape');
      await screenshot(page, 'discard-confirm.png');
      await discard.getByRole('button', { name: 'Discard' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.deepEqual(await tasksOf(user), []);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('marking done a task deleted elsewhere removes it with a clear message', async () => {
    const user = 'greta';
    const task = await createTaskViaApi(user, { title: 'Ghost task', startAt: inHours(5) });
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      await article(page, 'Ghost task').waitFor();
      assert.equal((await api(user, `/tasks/${task.taskId}`, { method: 'DELETE' })).status, 204);
      await page.getByRole('button', { name: 'Mark done “Ghost task”' }).click();
      await page
        .getByText(
          '“Ghost task” no longer exists: it was deleted elsewhere, so it was removed from the list.',
        )
        .waitFor();
      assert.equal(await article(page, 'Ghost task').count(), 0);
      await screenshot(page, 'deleted-elsewhere.png');
      // A 404 is expected here; anything else would be a problem.
      assertNoProblems(problems.filter((problem) => !problem.includes('404')));
    } finally {
      await context.close();
    }
  });
});

describe('keyboard, small screens, many tabs', () => {
  test('Load more keeps the keyboard’s place (failure, retry, the page); n, ? and the shortcut list', async () => {
    const user = 'kenji';
    for (let i = 0; i < 23; i += 1) {
      await createTaskViaApi(user, {
        title: `Step ${String(i).padStart(2, '0')}`,
        startAt: `${dayIn(ZONE, 4)}T08:${String(i).padStart(2, '0')}:00+09:00`,
      });
    }
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, user);
      await page.getByText('20 shown; more to load').waitFor();
      // The next page fails once, then arrives when the test lets it go.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let attempts = 0;
      await page.route(
        (url) => url.pathname === '/api/tasks' && url.searchParams.has('cursor'),
        async (route) => {
          attempts += 1;
          if (attempts === 1) {
            const error = { error: 'Service unavailable', details: [] };
            await route.fulfill({ status: 503, json: error, headers: { 'Retry-After': '1' } });
            return;
          }
          await held;
          await route.continue();
        },
      );
      const loadMore = page.getByRole('button', { name: 'Load more' });
      await loadMore.focus();
      await page.keyboard.press('Enter');
      await waitForFocus(page.getByRole('button', { name: 'Try again' }));
      await page.keyboard.press('Enter');
      // The alert went with the retry; the busy button holds the keyboard while the page loads.
      await waitForFocus(loadMore);
      assert.equal(await loadMore.getAttribute('aria-disabled'), 'true');
      await page.keyboard.press('Enter');
      release();
      await page.getByText('23 tasks', { exact: true }).waitFor();
      assert.equal(attempts, 2);
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.querySelector('h3')?.textContent),
          'Step 20',
        ),
      );

      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      assert.match(await help.innerText(), /n\s+New task/);
      await screenshot(page, 'shortcuts.png');
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Shortcuts' }).click();
      await help.waitFor();
      await help.getByRole('button', { name: 'Close' }).click();

      await page.keyboard.press('n');
      // While typing in the title, n is a letter.
      await waitForFocus(page.getByRole('dialog', { name: 'New task' }).getByLabel('Title'));
      await page.keyboard.type('n');
      assert.equal(
        await page.getByRole('dialog', { name: 'New task' }).getByLabel('Title').inputValue(),
        'n',
      );
      assertNoProblems(problems.filter((problem) => !/^503 .*[?&]cursor=/.test(problem)));
    } finally {
      await context.close();
    }
  });

  test('the Reports page fits a 375 px phone, with chart labels of at least 11 px', async () => {
    const day = dayIn(ZONE, -1);
    const done = await createTaskViaApi('pia', {
      title: 'Reported',
      startAt: `${day}T09:00:00+09:00`,
    });
    await patchViaApi('pia', done.taskId, { done: true });
    await runReportJob(suite.app, dayIn(ZONE));
    const { page, context, problems } = await suite.newPerson({
      viewport: { width: 375, height: 800 },
    });
    try {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Daily reports' }).waitFor();
      await page.locator('figure svg text').first().waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      const smallest = await page.evaluate(() => {
        const svg = document.querySelector('figure svg') as SVGSVGElement;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return Math.min(
          ...Array.from(
            svg.querySelectorAll('text'),
            (text) => parseFloat(getComputedStyle(text).fontSize) * scale,
          ),
        );
      });
      assert.ok(smallest >= 11, `chart text is ${smallest.toFixed(1)} CSS px`);
      assertHeadingsInOrder(await headings(page));
      await screenshot(page, 'reports-375.png');
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('signing in or out in one tab updates the other tabs', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      await signIn(page, 'tomas');
      const other = await context.newPage();
      await other.goto(`${suite.app.origin}/all`);
      await other.getByText('Signed in as tomas').waitFor();

      await signOut(page);
      // The other tab noticed, says why, and asks for a sign-in too (coming back to where it was).
      await other.waitForURL(`${suite.app.origin}/signin?redirect=/all&reason=unauthorized`);
      await other.getByRole('alert').getByText('Your session has ended. Sign in again.').waitFor();
      await other.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInAtProvider(page, 'tomas');
      await other.waitForURL(`${suite.app.origin}/all`);
      await other.getByText('Signed in as tomas').waitFor();
      assertNoProblems(problems.filter((problem) => !problem.includes('401')));
    } finally {
      await context.close();
    }
  });

  test('two tabs signing in at once both finish, the one started first too', async () => {
    const { page, context, problems } = await suite.newPerson();
    try {
      const other = await context.newPage();
      // Both at the provider's page, the second started last.
      for (const tab of [page, other]) {
        await tab.goto(`${suite.app.origin}/`);
        await tab.waitForURL('**/signin');
        await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
        await tab.waitForURL(`${suite.app.issuer}/interaction/**`);
      }
      for (const tab of [page, other]) {
        await signInAtProvider(tab, 'uma');
        await tab.getByText('Signed in as uma').waitFor();
        assert.equal(new URL(tab.url()).pathname, '/', 'no "Signing in did not finish"');
      }
      assertNoProblems(problems.filter((problem) => !problem.includes('401')));
    } finally {
      await context.close();
    }
  });

  test('headings go in order on every page: no h3 straight under the h1', async () => {
    const user = 'hana';
    await createTaskViaApi(user, { title: 'One task', startAt: inHours(30) });
    const { page, context } = await suite.newPerson();
    try {
      await signIn(page, user);
      await article(page, 'One task').waitFor();
      for (const path of ['/', '/all', '/done', '/nowhere']) {
        await page.goto(`${suite.app.origin}${path}`);
        await page.locator('main h1').waitFor();
        await page.getByText(/Loading/).waitFor({ state: 'hidden' });
        assertHeadingsInOrder(await headings(page));
      }
      await page.goto(`${suite.app.origin}/all`);
      await article(page, 'One task').getByRole('button', { name: /^Edit/ }).click();
      await page.getByRole('dialog', { name: 'Edit task' }).getByLabel('Title').waitFor();
      assertHeadingsInOrder(await headings(page));
    } finally {
      await context.close();
    }
  });
});
