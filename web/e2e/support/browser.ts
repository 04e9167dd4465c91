/** The ways the end-to-end tests look at a page, in Debian's Chromium (launchChromium). */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import axe from 'axe-core';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { recordPageProblems, signedOut } from '@task-manager/testing';

export type PersonOptions = Pick<BrowserContextOptions, 'locale' | 'timezoneId' | 'viewport'>;

/**
 * One person's browser session (its own storage, language, time zone and screen), and the
 * problems recorded on its pages; the app's `signedOut` answer is none: people sign out.
 */
export async function newPerson(browser: Browser, options: PersonOptions = {}) {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    timezoneId: options.timezoneId ?? 'Asia/Tokyo',
    viewport: options.viewport ?? { width: 1100, height: 800 },
    reducedMotion: 'reduce',
  });
  const problems = await recordPageProblems(context, signedOut);
  return { context, page: await context.newPage(), problems };
}

export function assertNoProblems(problems: string[]): void {
  assert.deepEqual(problems, [], 'CSP violations, errors or failed responses');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const artifacts = new URL('../../artifacts/', import.meta.url);
  await mkdir(artifacts, { recursive: true });
  const path = new URL(name, artifacts).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * axe-core's serious and critical findings. Its source is evaluated through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern: the policy stays in force.
 */
export async function axeFindings(page: Page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const engine = (window as unknown as { axe: typeof axe }).axe;
    const result = await engine.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => ['serious', 'critical'].includes(violation.impact));
}

/** YYYY-MM-DD in a time zone, `days` from today. */
export function dayIn(zone: string, days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: zone });
}

/** Chromium and Node may differ in the kind of space before "AM". */
export const normalise = (text: string) => text.replace(/[\s\u202f\u00a0]+/g, ' ').trim();

export const article = (page: Page, title: string) => page.getByRole('article', { name: title });

export async function activeElementText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

/** Waits for focus before typing: `autofocus` applies at the next rendering, maybe after `load`. */
export async function waitForFocus(locator: Locator): Promise<void> {
  const element = await locator.elementHandle();
  try {
    await locator.page().waitForFunction((target) => document.activeElement === target, element);
  } finally {
    await element?.dispose();
  }
}

export type Finding = Awaited<ReturnType<typeof axeFindings>>[number];
