/** The app in Debian's Chromium through the Ingress: task-web's CSP lets it and sign-in work. */
import assert from 'node:assert/strict';
import {
  launchChromium,
  recordPageProblems,
  signedOut,
  type Browser,
  type Page,
} from '@task-manager/testing';
import { images } from './images.ts';
import { SMOKE_ADMIN, SMOKE_USER, type Task } from './service.ts';
import type { Smoke } from './sandbox.ts';

export async function checkInBrowser(
  { check }: Smoke,
  app: string,
  issuer: string,
  task: Task,
  reportDate: string | undefined,
): Promise<void> {
  const image = images.web.tag;
  let browser: Browser | undefined;
  /**
   * Opens `path` in a fresh profile, signs `userId` in on the provider's page, waits for `ready`.
   * Fails on any page problem but `signedOut` before the sign-in; the session must be HttpOnly.
   */
  const visit = async (path: string, userId: string, ready: (page: Page) => Promise<unknown>) => {
    browser ??= await launchChromium();
    const context = await browser.newContext();
    try {
      let signedIn = false;
      const problems = await recordPageProblems(context, (r) => !signedIn && signedOut(r));
      const page = await context.newPage();
      await page.goto(`${app}${path}`);
      await page.waitForURL('**/signin**');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${issuer}/interaction/**`);
      await page.getByLabel('User name').fill(userId);
      signedIn = true;
      await page.getByRole('button', { name: 'Sign in' }).click();
      await ready(page);

      assert.deepEqual(problems, []);
      const session = (await context.cookies()).find((cookie) => cookie.name === 'tm_session');
      assert.partialDeepStrictEqual(session, { httpOnly: true, sameSite: 'Lax' }, 'session cookie');
      return new URL(page.url()).pathname;
    } finally {
      await context.close();
    }
  };

  try {
    // A deep link, as a bookmark opens it: the app asks who is there, then lists the tasks.
    await check(
      `${image}: Chromium, CSP enforced: sign in on the provider's page, the task is listed`,
      async () => {
        const path = await visit('/done', SMOKE_USER, (page) =>
          page.getByText(task.title).first().waitFor(),
        );
        return `back at ${path}, HttpOnly session: no CSP violation, no error`;
      },
    );
    if (reportDate === undefined) return;
    await check(`${image}: Chromium, CSP enforced: an admin sees the report chart`, async () => {
      const path = await visit('/reports', SMOKE_ADMIN, async (page) => {
        await page.locator(`time[datetime="${reportDate}"]`).waitFor();
        await page.locator('svg[role="img"]').first().waitFor();
      });
      return `${path}: report ${reportDate} and its chart, no CSP violation, no error`;
    });
  } finally {
    await browser?.close();
  }
}
