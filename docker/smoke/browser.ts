/** The app in Debian's Chromium through the Ingress: task-web's CSP lets it and sign-in work. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { images } from './images.ts';
import { SMOKE_ADMIN, SMOKE_USER, type Task } from './service.ts';
import type { Smoke } from './sandbox.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Runs in the page before the app: records what the policy blocks (a string: no DOM types). */
const RECORD_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI);
  });
`;

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
   * Opens `path` in a fresh profile and signs `userId` in on the provider's page (the app's first
   * /api/me answers 401, the one failure expected), then waits for `ready`. Fails on any CSP
   * violation, page or console error, or failed response; the session cookie must be HttpOnly.
   */
  const visit = async (path: string, userId: string, ready: (page: Page) => Promise<unknown>) => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium)`);
    const args = ['--no-sandbox', '--disable-background-networking'];
    browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      let signedIn = false;
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // Chromium reports the expected 401 as a console error of its own.
        if (!signedIn && /status of 401/.test(message.text())) return;
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('response', (response) => {
        const expected =
          !signedIn && response.status() === 401 && response.url().endsWith('/api/me');
        if (response.status() >= 400 && !expected)
          problems.push(`${response.status()} ${response.url()}`);
      });
      await page.addInitScript({ content: RECORD_VIOLATIONS });

      await page.goto(`${app}${path}`);
      await page.waitForURL('**/signin**');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${issuer}/interaction/**`);
      await page.getByLabel('User name').fill(userId);
      signedIn = true;
      await page.getByRole('button', { name: 'Sign in' }).click();
      await ready(page);

      assert.deepEqual(await page.evaluate<string[]>('window.cspViolations'), [], 'CSP violations');
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
