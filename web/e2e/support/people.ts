/**
 * What the end-to-end tests do as people and as scripts: sign in through the development
 * provider's page, call the API with a Bearer token to set up or check what the UI shows, and
 * a few ways of looking at a page.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { fetchAccessToken } from '@task-manager/identity-provider/dev-token';
import type { RunningApp } from './app.ts';

export interface ApiTask {
  taskId: string;
  title: string;
  contents: string;
  startAt: string;
  done: boolean;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The helpers for one running app (given lazily: it starts in a `before` hook). */
export function people(appOf: () => RunningApp) {
  const tokens = new Map<string, Promise<string>>();

  /** The user's access token from the development provider, as `npm run token` gets it. */
  function tokenOf(user: string): Promise<string> {
    let token = tokens.get(user);
    if (!token) {
      token = fetchAccessToken({ issuer: appOf().issuer, user }).then(
        (result) => result.accessToken,
      );
      tokens.set(user, token);
    }
    return token;
  }

  /** Calls the API directly, as the given user (a Bearer token), to set up or check the UI. */
  async function api(user: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${await tokenOf(user)}`);
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    return fetch(`${appOf().origin}/api${path}`, { ...init, headers });
  }

  async function createTaskViaApi(
    user: string,
    task: { title: string; contents?: string; startAt: string },
  ): Promise<ApiTask> {
    const response = await api(user, '/tasks', { method: 'POST', body: JSON.stringify(task) });
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()) as ApiTask;
  }

  async function patchViaApi(user: string, taskId: string, changes: object): Promise<ApiTask> {
    const response = await api(user, `/tasks/${taskId}`, {
      method: 'PATCH',
      body: JSON.stringify(changes),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as ApiTask;
  }

  async function tasksOf(user: string): Promise<ApiTask[]> {
    const response = await api(user, '/tasks?status=all&limit=100');
    assert.equal(response.status, 200);
    return ((await response.json()) as { items: ApiTask[] }).items;
  }

  /** On the development provider's sign-in page: type the name and submit. */
  async function signInAtProvider(page: Page, user: string): Promise<void> {
    const { origin, issuer } = appOf();
    await page.waitForURL(`${issuer}/interaction/**`);
    await page.getByLabel('User name').fill(user);
    const me = page.waitForResponse(
      (response) => response.url() === `${origin}/api/me` && response.status() === 200,
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    await me;
  }

  /** Opens the app and signs in through the provider's page, as a person does. */
  async function signIn(page: Page, user: string, submit = 'Sign in'): Promise<void> {
    await page.goto(`${appOf().origin}/`);
    await page.waitForURL('**/signin');
    await page.getByRole('button', { name: submit, exact: true }).click();
    await signInAtProvider(page, user);
  }

  /** Signs out through the header; the provider's end-session page returns to /signin. */
  async function signOut(page: Page, button = 'Sign out', signInLabel = 'Sign in'): Promise<void> {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL(`${appOf().origin}/signin`);
    await page.getByRole('button', { name: signInLabel, exact: true }).waitFor();
  }

  return {
    tokenOf,
    api,
    createTaskViaApi,
    patchViaApi,
    tasksOf,
    signInAtProvider,
    signIn,
    signOut,
  };
}

/** YYYY-MM-DD in a time zone, `days` from today. */
export function dayIn(zone: string, days = 0): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + days * 86_400_000));
}

/** Chromium and Node may differ in the kind of space before "AM". */
export const normalise = (text: string) => text.replace(/[\s\u202f\u00a0]+/g, ' ').trim();

export const article = (page: Page, title: string) => page.getByRole('article', { name: title });

export async function activeElementText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}

/**
 * Waits until the element has focus, before typing into whatever has it. A page's `autofocus`
 * is applied at its next rendering, which on a busy machine can come after the `load` event.
 */
export async function waitForFocus(locator: Locator): Promise<void> {
  const element = await locator.elementHandle();
  try {
    await locator.page().waitForFunction((target) => document.activeElement === target, element);
  } finally {
    await element?.dispose();
  }
}

export function assertNoProblems(problems: string[]): void {
  assert.deepEqual(problems, [], 'the page logged CSP violations or errors');
}

export async function waitGone(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'detached' });
}
