/**
 * The app in a real browser (Debian's Chromium through playwright-core), served by the task-web
 * container under its Content-Security-Policy and talking to the task-service container: proof
 * that the policy lets the app work, not just that the header is sent.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { startIngress } from './ingress.ts';
import { SMOKE_USER, type Task } from './service.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Runs in the page before the app: records what the policy blocks. (A string: no DOM types here.) */
const RECORD_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI);
  });
`;

export async function checkInBrowser(
  checks: Checks,
  image: string,
  webUrl: string,
  apiUrl: string,
  task: Task,
): Promise<void> {
  await checks.check(`${image}: the app works in Chromium under the CSP`, async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium)`);
    const ingress = await startIngress(webUrl, apiUrl);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
      });
      await page.addInitScript({ content: RECORD_VIOLATIONS });

      // A deep link, as a bookmark would open it: the app asks who is there, then shows the list.
      await page.goto(`${ingress.url}/done`);
      await page.locator('input[name="username"]').fill(SMOKE_USER, { timeout: 15_000 });
      await page.locator('form button[type="submit"]').click();
      await page.getByText(task.title).first().waitFor({ timeout: 15_000 });

      const violations = await page.evaluate<string[]>('window.cspViolations');
      expect(violations.length === 0, `CSP violations: ${violations.join('; ')}`);
      expect(problems.length === 0, problems.join('; '));
      return `signed in on ${new URL(page.url()).pathname}, the task is listed, no CSP violation`;
    } finally {
      await browser.close();
      await ingress.close();
    }
  });
}
