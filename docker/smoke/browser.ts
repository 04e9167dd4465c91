/**
 * The app in a real browser (Debian's Chromium through playwright-core), served by the task-web
 * container under its Content-Security-Policy and talking to the task-service container: proof
 * that the policy lets the app work, not just that the header is sent.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { startIngress } from './ingress.ts';
import { SMOKE_ADMIN, SMOKE_USER, type Task } from './service.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Runs in the page before the app: records what the policy blocks. (A string: no DOM types here.) */
const RECORD_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI);
  });
`;

/**
 * Opens `path` in a fresh browser profile, signs in as `userId` on the sign-in page the app
 * redirects to, waits for `ready`, and fails on any CSP violation, page error, console error or
 * failed response along the way.
 */
async function visit(
  browser: Browser,
  url: string,
  userId: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await page.addInitScript({ content: RECORD_VIOLATIONS });

    await page.goto(url);
    await page.locator('input[name="username"]').fill(userId, { timeout: 15_000 });
    await page.locator('form button[type="submit"]').click();
    await ready(page);

    const violations = await page.evaluate<string[]>('window.cspViolations');
    expect(violations.length === 0, `CSP violations: ${violations.join('; ')}`);
    expect(problems.length === 0, problems.join('; '));
    return new URL(page.url()).pathname;
  } finally {
    await context.close();
  }
}

export async function checkInBrowser(
  checks: Checks,
  image: string,
  webUrl: string,
  apiUrl: string,
  task: Task,
  reportDate: string | undefined,
): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    checks.fail(
      `${image}: the app in Chromium`,
      `${CHROMIUM} is missing (apt-get install chromium)`,
    );
    return;
  }
  const ingress = await startIngress(webUrl, apiUrl);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  try {
    // A deep link, as a bookmark opens it: the app asks who is there, then lists the tasks.
    await checks.check(
      `${image}: Chromium, CSP enforced: sign in, the task is listed`,
      async () => {
        const path = await visit(browser, `${ingress.url}/done`, SMOKE_USER, (page) =>
          page.getByText(task.title).first().waitFor({ timeout: 15_000 }),
        );
        return `${path}: no CSP violation, no error`;
      },
    );
    if (reportDate === undefined) return;
    await checks.check(
      `${image}: Chromium, CSP enforced: an admin sees the report chart`,
      async () => {
        const path = await visit(browser, `${ingress.url}/reports`, SMOKE_ADMIN, async (page) => {
          await page.locator(`time[datetime="${reportDate}"]`).waitFor({ timeout: 15_000 });
          await page.locator('svg[role="img"]').first().waitFor({ timeout: 15_000 });
        });
        return `${path}: report ${reportDate} and its chart, no CSP violation, no error`;
      },
    );
  } finally {
    await browser.close();
    await ingress.close();
  }
}
