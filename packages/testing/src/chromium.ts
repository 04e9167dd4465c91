/**
 * Debian's Chromium driven by playwright-core (no browser download, a fresh profile per launch),
 * and what must never happen on its pages: one judgement for the web e2e and smoke tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Response } from 'playwright-core';

export type { Browser, Page } from 'playwright-core';

/**
 * Headless, without first run or background traffic (playwright's defaults), and without the
 * sandbox, which needs user namespaces that containers and CI machines often lack.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath, chromiumSandbox: false, args: ['--disable-gpu'] });
}

/** Runs in each page before its scripts; a string, as Node's types know no DOM. */
const REPORT_CSP_VIOLATIONS = `
  document.addEventListener('securitypolicyviolation', ({ violatedDirective, blockedURI }) => {
    console.error('Content Security Policy: ' + violatedDirective + ' blocked ' + blockedURI);
  });
`;

/** The app's answer to /api/me while nobody is signed in: the one failure a page expects. */
export const signedOut = (response: Response) =>
  response.status() === 401 && new URL(response.url()).pathname === '/api/me';

/**
 * The problems of every page of `context`, recorded as they happen: page errors, anything the
 * Content-Security-Policy blocked, console errors, and responses >= 400 unless `expected`.
 */
export async function recordPageProblems(
  context: BrowserContext,
  expected: (response: Response) => boolean = () => false,
): Promise<string[]> {
  const problems: string[] = [];
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  context.on('console', (message) => {
    const text = message.text();
    // Chromium echoes each failed response as a console error: the response is judged instead.
    const echo = /server responded with a status of/.test(text);
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
    else if (message.type() === 'error' && !echo) problems.push(`console: ${text}`);
  });
  context.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !expected(response)) problems.push(`${status} ${response.url()}`);
  });
  await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  return problems;
}
