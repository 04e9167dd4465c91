import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, fakeApi, json } from '@/__tests__/fake-api';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import { resetSession, useSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import { browser } from '@/utils/navigation';
import SignInView from '@/views/SignInView.vue';

/**
 * Signing in or out in one tab updates the others: a BroadcastChannel message (Node's own,
 * between two channels of this process, as between two tabs) makes the tab ask /api/me.
 */
let assign: ReturnType<typeof vi.spyOn>;
let otherTab: BroadcastChannel;
beforeEach(() => {
  setLocale('en');
  resetSession();
  configureApi({ onUnauthorized: () => {} });
  assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
  otherTab = new BroadcastChannel('task-manager.session');
});
afterEach(() => {
  assign.mockRestore();
  otherTab.close();
  resetSession();
});

/**
 * Counts the messages this tab's channel receives, from then on. Nothing a tab does can show
 * that a message asked nothing, so a test that expects nothing waits for the message itself.
 */
function countReceived(): () => number {
  let received = 0;
  vi.stubGlobal(
    'BroadcastChannel',
    class extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        this.addEventListener('message', () => (received += 1));
      }
    },
  );
  return () => received;
}

/** Polls until a condition holds: a message between channels arrives on a later turn. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await flushPromises();
  }
  expect(condition()).toBe(true);
}

describe('useSession across tabs', () => {
  it('a tab on the sign-in page goes on when another tab signed in', async () => {
    let signedIn = false;
    const { requests } = fakeApi(() =>
      signedIn
        ? json(200, { userId: 'alice', name: 'alice', isAdmin: false })
        : apiError(401, 'authentication required'),
    );
    const router = await testRouter('/signin?redirect=/done');
    mount(SignInView, { global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    expect(useSession().status.value).toBe('signed-out');

    signedIn = true;
    otherTab.postMessage({ userId: 'alice' });
    await until(() => router.currentRoute.value.path === '/done');
    expect(useSession().me.value?.userId).toBe('alice');
    // Someone signing in where nobody was is no reason to reload the page.
    expect(assign).not.toHaveBeenCalled();
    // It asked the API itself rather than trusting the message.
    expect(requests.filter((request) => request.url.endsWith('/api/me'))).toHaveLength(2);
  });

  it('a signed-in tab learns of a sign-out elsewhere, and tells the others what it found', async () => {
    let signedIn = true;
    fakeApi(() =>
      signedIn
        ? json(200, { userId: 'alice', name: 'alice', isAdmin: false })
        : apiError(401, 'authentication required'),
    );
    const heard: unknown[] = [];
    otherTab.onmessage = (event) => heard.push(event.data);
    const session = useSession();
    expect(await session.ensureSession()).toBe('signed-in');
    await until(() => heard.length > 0);
    expect(heard.at(-1)).toEqual({ userId: 'alice' });

    signedIn = false;
    otherTab.postMessage({ userId: null });
    await until(() => session.status.value === 'signed-out');
    // Not a trip to the identity provider: App.vue takes the tab to the sign-in page.
    expect(assign).not.toHaveBeenCalled();
  });

  it('another person signed in elsewhere: the page reloads, showing nothing of the first', async () => {
    let user = 'alice';
    fakeApi(() => json(200, { userId: user, name: user, isAdmin: false }));
    const session = useSession();
    await session.ensureSession();
    user = 'bob';
    otherTab.postMessage({ userId: 'bob' });
    await until(() => assign.mock.calls.length > 0);
    expect(session.me.value?.userId).toBe('bob');
  });

  it('a message that says nothing new asks nothing', async () => {
    const received = countReceived();
    const { requests } = fakeApi(() => json(200, { userId: 'alice', name: 'a', isAdmin: false }));
    await useSession().ensureSession();
    otherTab.postMessage({ userId: 'alice' });
    otherTab.postMessage({ nonsense: true });
    otherTab.postMessage({ userId: 'bob' });
    // A tab sends its request as a message arrives, so once all three have, every request is
    // counted. Only the news asked; the API, still saying alice, changes nothing in between.
    await until(() => received() === 3);
    expect(requests).toHaveLength(2);
  });

  it('a tab leaving to sign in again heeds no news from the others', async () => {
    const received = countReceived();
    let user = 'alice';
    const { requests } = fakeApi(() => json(200, { userId: user, name: user, isAdmin: false }));
    const session = useSession();
    await session.ensureSession();
    session.reauthenticate();
    user = 'bob';
    otherTab.postMessage({ userId: 'bob' });
    await until(() => received() === 1);
    // Only the trip to the identity provider: no question to the API, no reload over the trip.
    expect(requests).toHaveLength(1);
    expect(assign).toHaveBeenCalledOnce();
  });
});

describe('useSession', () => {
  it('asks the API once for callers at the same time', async () => {
    const { requests } = fakeApi(() => json(200, { userId: 'alice', name: 'a', isAdmin: false }));
    const session = useSession();
    const answers = await Promise.all([session.ensureSession(), session.ensureSession()]);
    expect(answers).toEqual(['signed-in', 'signed-in']);
    expect(requests).toHaveLength(1);
  });

  it('a failure other than 401 signs nobody out: the status stays as it was, with the error', async () => {
    fakeApi(() => apiError(503, 'unavailable'));
    const session = useSession();
    expect(await session.ensureSession()).toBe('unknown');
    expect(session.meError.value).toMatchObject({ status: 503 });
  });
});
