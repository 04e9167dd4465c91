/**
 * axe-core on every page state the issue names — the sign-in pages (the app's and the
 * provider's, with its error, and its page for a sign-in that cannot finish), the task lists
 * (grouped, searched, empty, failing), the dialogs (new task with errors, discard, conflict,
 * delete, shortcuts), the Undo notice, the reports,
 * the refusal to a non-admin, an unknown address — in English and Japanese, at 375 and 1440 px,
 * light and dark: no serious or critical finding anywhere. Each state is photographed too
 * (web/artifacts/a11y-<state>-<locale>-<width>-<scheme>.png).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER_ID_RULE } from '@task-manager/contract';
import { runReportJob } from './support/app.ts';
import { article, axeFindings, dayIn, screenshot, type Finding } from './support/browser.ts';
import { startSuite } from './support/suite.ts';

const ZONE = 'Asia/Tokyo';

const suite = startSuite();

const { api, createTaskViaApi, patchViaApi, signInAtProvider } = suite;

const LOCALES = [
  { code: 'en', browser: 'en-US' },
  { code: 'ja', browser: 'ja-JP' },
] as const;
const WIDTHS = [375, 1440] as const;
const SCHEMES = ['light', 'dark'] as const;

/** The UI text each step needs, in the page's language. */
const TEXT = {
  en: {
    signIn: 'Sign in',
    newTask: 'New task',
    create: 'Create task',
    title: 'Title',
    startsAt: 'Starts at',
    save: 'Save changes',
    cancel: 'Cancel',
    keepEditing: 'Keep editing',
    discard: 'Discard',
    deleteConfirm: 'Delete',
    undo: 'Undo',
    shortcuts: 'Shortcuts',
    close: 'Close',
    signOut: 'Sign out',
    reports: 'Reports',
    search: 'Search',
    retry: 'Try again',
  },
  ja: {
    signIn: 'サインイン',
    newTask: '新しいタスク',
    create: 'タスクを作成',
    title: 'タイトル',
    startsAt: '開始日時',
    save: '変更を保存',
    cancel: 'キャンセル',
    keepEditing: '編集を続ける',
    discard: '破棄',
    deleteConfirm: '削除',
    undo: '元に戻す',
    shortcuts: 'ショートカット',
    close: '閉じる',
    signOut: 'サインアウト',
    reports: 'レポート',
    search: '検索',
    retry: '再試行',
  },
} as const;

const found: string[] = [];
const checked = new Set<string>();

test('axe-core: no serious or critical finding on any page state, language, width or scheme', async () => {
  // A published report, so the Reports page has its chart and table.
  const reported = await createTaskViaApi('a11y-reporter', {
    title: 'Reported',
    startAt: `${dayIn(ZONE)}T09:00:00+09:00`,
  });
  await patchViaApi('a11y-reporter', reported.taskId, { done: true });
  await runReportJob(suite.app, dayIn(ZONE));
  for (const locale of LOCALES) {
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        await walkThrough(locale, width, scheme);
      }
    }
  }
  const states = new Set([...checked].map((key) => key.split(' ')[0]));
  assert.ok(states.size >= 18, `checked ${states.size} states: ${[...states].join(', ')}`);
  assert.equal(checked.size, states.size * LOCALES.length * WIDTHS.length * SCHEMES.length);
  assert.deepEqual(found, [], `axe-core found:\n${found.join('\n')}`);
});

async function walkThrough(
  locale: (typeof LOCALES)[number],
  width: (typeof WIDTHS)[number],
  scheme: (typeof SCHEMES)[number],
): Promise<void> {
  const t = TEXT[locale.code];
  const user = `a11y-${locale.code}-${width}-${scheme}`;
  const combo = `${locale.code}-${width}-${scheme}`;
  // Something in every group, a task to edit, one to delete.
  await createTaskViaApi(user, {
    title: 'Overdue: send the invoice',
    startAt: `${dayIn(ZONE, -3)}T09:00:00+09:00`,
  });
  const edited = await createTaskViaApi(user, {
    title: 'Budget review',
    contents: 'Numbers for Q4\n報告書',
    startAt: `${dayIn(ZONE, 1)}T10:00:00+09:00`,
  });
  const finished = await createTaskViaApi(user, {
    title: '週次ミーティング',
    startAt: `${dayIn(ZONE, 0)}T23:59:00+09:00`,
  });
  await patchViaApi(user, finished.taskId, { done: true });
  await createTaskViaApi(user, {
    title: 'Plan the holiday',
    startAt: `${dayIn(ZONE, 12)}T09:00:00+09:00`,
  });

  const { page, context } = await suite.newPerson({
    locale: locale.browser,
    viewport: { width, height: 900 },
  });
  await page.emulateMedia({ colorScheme: scheme });
  const check = async (state: string) => {
    const key = `${state} ${combo}`;
    assert.ok(!checked.has(key), `${key} checked twice`);
    checked.add(key);
    const findings: Finding[] = await axeFindings(page);
    for (const finding of findings) {
      found.push(
        `${key}: ${finding.impact} ${finding.id} (${finding.help}) at ${finding.targets.join(', ')}`,
      );
    }
    await screenshot(page, `a11y-${state}-${combo}.png`);
  };
  try {
    await page.goto(`${suite.app.origin}/`);
    await page.waitForURL('**/signin');
    await page.getByRole('button', { name: t.signIn, exact: true }).waitFor();
    await check('sign-in');

    await page.getByRole('button', { name: t.signIn, exact: true }).click();
    await page.waitForURL(`${suite.app.issuer}/interaction/**`);
    await page.getByLabel('User name').waitFor();
    await check('provider-sign-in');
    await page.getByLabel('User name').fill('not valid!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Use only ${USER_ID_RULE}.`).waitFor();
    await check('provider-error');
    // A sign-in page the provider no longer knows (left open too long): its error page.
    const signInPage = page.url().replace(/\/login$/, '');
    await page.goto(`${suite.app.issuer}/interaction/no-such-sign-in`);
    await page.getByRole('link', { name: 'Back to the app' }).waitFor();
    await check('provider-cannot-finish');
    await page.goto(signInPage);
    await signInAtProvider(page, user);

    await article(page, 'Plan the holiday').waitFor();
    await check('task-list');

    await page.getByRole('searchbox', { name: t.search }).fill('budget');
    await page.getByRole('searchbox', { name: t.search }).press('Enter');
    await page.waitForURL('**/?q=budget');
    await article(page, 'Budget review').waitFor();
    await check('search');
    await page.getByRole('searchbox', { name: t.search }).fill('nothing at all');
    await page.getByRole('searchbox', { name: t.search }).press('Enter');
    await page.locator('.empty').waitFor();
    await check('search-empty');

    await page.goto(`${suite.app.origin}/done`);
    await article(page, '週次ミーティング').waitFor();
    await check('done-view');

    await page.goto(`${suite.app.origin}/`);
    await article(page, 'Plan the holiday').waitFor();
    await page.getByRole('button', { name: t.newTask }).click();
    const createDialog = page.getByRole('dialog', { name: t.newTask });
    await createDialog.getByLabel(t.title).fill('x'.repeat(101));
    await createDialog.getByLabel(t.startsAt).fill('');
    await createDialog.getByRole('button', { name: t.create }).click();
    await createDialog.locator('.field-error').first().waitFor();
    await check('dialog-errors');
    await createDialog.getByRole('button', { name: t.cancel }).click();
    await page.getByRole('button', { name: t.keepEditing }).waitFor();
    await check('discard-confirm');
    await page.getByRole('button', { name: t.discard, exact: true }).click();
    await createDialog.waitFor({ state: 'hidden' });

    await article(page, 'Budget review').locator('button').nth(1).click();
    const editDialog = page.locator('dialog[open]');
    await editDialog.getByLabel(t.title).waitFor();
    await editDialog.getByLabel(t.title).fill('Budget review (mine)');
    await patchViaApi(user, edited.taskId, { contents: 'Changed in another tab' });
    await editDialog.getByRole('button', { name: t.save }).click();
    await editDialog.locator('.conflict').waitFor();
    await check('conflict');
    await editDialog.locator('.conflict .button-primary').click();
    await editDialog.waitFor({ state: 'hidden' });

    await article(page, 'Plan the holiday').locator('button').nth(2).click();
    const confirm = page.locator('dialog[open]');
    await confirm.getByRole('button', { name: t.deleteConfirm, exact: true }).waitFor();
    await check('delete-confirm');
    await confirm.getByRole('button', { name: t.deleteConfirm, exact: true }).click();
    await page.getByRole('status').getByRole('button', { name: t.undo }).waitFor();
    await check('undo-notice');
    await page.getByRole('status').getByRole('button', { name: t.undo }).click();
    await article(page, 'Plan the holiday').waitFor();

    await page.getByRole('button', { name: t.shortcuts }).click();
    await page.locator('dialog[open] kbd').first().waitFor();
    await check('shortcuts');
    await page.locator('dialog[open]').getByRole('button', { name: t.close }).click();

    // An action that fails: the task was deleted elsewhere.
    const ghost = await createTaskViaApi(user, {
      title: 'Ghost',
      startAt: `${dayIn(ZONE, 2)}T09:00:00+09:00`,
    });
    await page.reload();
    await article(page, 'Ghost').waitFor();
    await api(user, `/tasks/${ghost.taskId}`, { method: 'DELETE' });
    await article(page, 'Ghost').locator('button').first().click();
    await page.locator('.alert').waitFor();
    await check('action-error');

    // The list cannot be loaded: the network is down for /api/tasks.
    await page.route('**/api/tasks?**', (route) => route.abort('internetdisconnected'));
    await page.reload();
    await page.getByRole('button', { name: t.retry }).waitFor();
    await check('load-error');
    await page.unroute('**/api/tasks?**');

    await page.goto(`${suite.app.origin}/reports`);
    await page.locator('.alert').waitFor();
    await check('reports-forbidden');
    await page.goto(`${suite.app.origin}/nowhere`);
    await page.locator('main h1').waitFor();
    await check('not-found');

    await page.getByRole('button', { name: t.signOut }).click();
    await page.waitForURL(`${suite.app.origin}/signin`);
    await page.getByRole('button', { name: t.signIn, exact: true }).click();
    await signInAtProvider(page, 'admin');
    await page.getByRole('link', { name: t.reports }).click();
    await page.locator('figure svg rect').first().waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await check('reports');
  } finally {
    await context.close();
  }
}
