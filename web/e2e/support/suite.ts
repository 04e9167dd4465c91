/**
 * One end-to-end test file's world: the app as `npm start` runs it and a browser, started
 * before its tests and stopped after them, and the people helpers bound to that app.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type RunningApp } from './app.ts';
import { launchBrowser } from './browser.ts';
import { people } from './people.ts';

export function startSuite() {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test)`);
    return value;
  };
  return {
    get app(): RunningApp {
      return started(app, 'the app');
    },
    get browser(): Browser {
      return started(browser, 'the browser');
    },
    ...people(() => started(app, 'the app')),
  };
}
