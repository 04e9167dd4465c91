/**
 * One end-to-end test file's world: the app and a browser, started before its tests and stopped
 * after them, and what the tests do as people (sign in through the provider's page) and as
 * scripts (the API with a Bearer token, to set up or check what the UI shows).
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fetchAccessToken } from '@task-manager/identity-provider/dev-token';
import { launchChromium } from '@task-manager/testing';
import type { components } from '../../src/api/schema.d.ts';
import { startApp, type RunningApp } from './app.ts';
import { newPerson, type PersonOptions } from './browser.ts';

type Schemas = components['schemas'];
type Task = Schemas['Task'];

export function startSuite() {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  before(async () => {
    app = await startApp();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test)`);
    return value;
  };
  const appOf = () => started(app, 'the app');
  const tokens = new Map<string, Promise<string>>();

  /** Calls the API as `user`, with its token from the development provider (`npm run token`). */
  async function api(user: string, path: string, init: RequestInit = {}): Promise<Response> {
    if (!tokens.has(user)) {
      const fetched = fetchAccessToken({ issuer: appOf().issuer, user });
      tokens.set(
        user,
        fetched.then((result) => result.accessToken),
      );
    }
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${await tokens.get(user)}`);
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    return fetch(`${appOf().origin}/api${path}`, { ...init, headers });
  }

  /** An API call that must answer `status`, and its JSON. */
  async function apiJson<T>(user: string, path: string, status: number, init?: [string, object]) {
    const [method, body] = init ?? ['GET'];
    const response = await api(user, path, { method, body: body && JSON.stringify(body) });
    assert.equal(response.status, status, await response.clone().text());
    return (await response.json()) as T;
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

  return {
    get app(): RunningApp {
      return appOf();
    },
    newPerson: (options?: PersonOptions) => newPerson(started(browser, 'the browser'), options),
    api,
    createTaskViaApi: (user: string, task: Schemas['NewTask']) =>
      apiJson<Task>(user, '/tasks', 201, ['POST', task]),
    patchViaApi: (user: string, taskId: string, changes: Schemas['TaskChanges']) =>
      apiJson<Task>(user, `/tasks/${taskId}`, 200, ['PATCH', changes]),
    tasksOf: async (user: string) =>
      (await apiJson<{ items: Task[] }>(user, '/tasks?status=all&limit=100', 200)).items,
    signInAtProvider,
    /** Opens the app and signs in through the provider's page, as a person does. */
    async signIn(page: Page, user: string, submit = 'Sign in'): Promise<void> {
      await page.goto(`${appOf().origin}/`);
      await page.waitForURL('**/signin');
      await page.getByRole('button', { name: submit, exact: true }).click();
      await signInAtProvider(page, user);
    },
    /** Signs out through the header; the provider's end-session page returns to /signin. */
    async signOut(page: Page, button = 'Sign out', signInLabel = 'Sign in'): Promise<void> {
      await page.getByRole('button', { name: button }).click();
      await page.waitForURL(`${appOf().origin}/signin`);
      await page.getByRole('button', { name: signInLabel, exact: true }).waitFor();
    },
  };
}
