/**
 * Debian's Chromium driven by playwright-core: no browser is downloaded, and each launch gets
 * its own fresh temporary profile.
 */
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ARTIFACTS_DIR = new URL('../../artifacts/', import.meta.url);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PersonOptions {
  locale?: string;
  timezoneId?: string;
  viewport?: { width: number; height: number };
}

/** One person's browser session: its own storage, language, time zone and screen. */
export async function newPerson(browser: Browser, options: PersonOptions = {}) {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    timezoneId: options.timezoneId ?? 'Asia/Tokyo',
    viewport: options.viewport ?? { width: 1100, height: 800 },
    reducedMotion: 'reduce',
  });
  const problems = watchForProblems(context);
  const page = await context.newPage();
  return { context, page, problems };
}

/**
 * Collects what must never happen: anything the Content-Security-Policy blocked (inline script
 * or style) and uncaught errors in the page.
 */
function watchForProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  context.on('page', (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    });
  });
  void context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`,
      );
    });
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = new URL(name, ARTIFACTS_DIR).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}
