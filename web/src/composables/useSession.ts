import { computed, readonly, ref } from 'vue';
import { ApiError, isAbortError, send } from '@/api/http';
import { getMe } from '@/api/me';
import type { Me } from '@/api/types';
import { browser, currentPath } from '@/utils/navigation';

/**
 * Who is signed in, as task-service says (GET /api/me). The app never holds a token: signing in
 * is a full-page trip through task-service's /auth/login to the identity provider and back, which
 * leaves an HttpOnly session cookie the page cannot read. Module-level state: three refs do not
 * justify a store library.
 */
export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

const status = ref<SessionStatus>('unknown');
const me = ref<Me | null>(null);
const meError = ref<unknown>(null);
const meLoading = ref(false);
let checking: Promise<SessionStatus> | null = null;

/** Work to save before the page leaves to sign in again (an open dialog's draft). */
const beforeLeaving = new Set<() => void>();
/** This page is on its way to the identity provider (signing in or out). */
let leaving = false;

/**
 * Tabs of the app tell each other who is signed in, so signing in or out in one updates the
 * others. The message is only a hint: the session is an HttpOnly cookie no script can read, so
 * a tab that hears of a change asks /api/me itself.
 */
const CHANNEL_NAME = 'task-manager.session';
let channel: BroadcastChannel | null = null;

function openChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(CHANNEL_NAME);
  channel.onmessage = (event: MessageEvent<{ userId?: unknown }>) => {
    const userId = event.data?.userId;
    if (userId === null || typeof userId === 'string') void heard(userId);
  };
  return channel;
}

function tellOtherTabs(userId: string | null): void {
  openChannel()?.postMessage({ userId });
}

/** Another tab says who is signed in now; if that is news here, ask the API. */
async function heard(userId: string | null): Promise<void> {
  if (status.value === 'unknown' || leaving) return;
  const before = me.value?.userId ?? null;
  if (userId === before) return;
  await loadMe();
  const after = me.value?.userId ?? null;
  // Someone else now: nothing of the previous person's may stay on screen.
  if (before !== null && after !== null && before !== after) browser.assign(currentPath());
}

/** Asks the API who is signed in; a 401 means nobody. Other failures leave the status as it was. */
async function loadMe(): Promise<SessionStatus> {
  meLoading.value = true;
  meError.value = null;
  try {
    me.value = await getMe();
    status.value = 'signed-in';
    tellOtherTabs(me.value.userId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      me.value = null;
      status.value = 'signed-out';
      tellOtherTabs(null);
    } else if (!isAbortError(error)) {
      meError.value = error;
    }
  } finally {
    meLoading.value = false;
  }
  return status.value;
}

/** The session status, asking the API once (concurrent callers share the answer). */
function ensureSession(): Promise<SessionStatus> {
  if (status.value !== 'unknown') return Promise.resolve(status.value);
  checking ??= loadMe().finally(() => (checking = null));
  return checking;
}

/** Only paths inside the app, so a crafted link cannot send the person elsewhere. */
export function safeReturnTo(path: unknown): string {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/** To the identity provider (through task-service), coming back to `returnTo`. */
function signIn(returnTo = '/'): void {
  browser.assign(`/auth/login?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
}

/**
 * The session ended while the person was working (the API answered 401): keep what they typed,
 * then sign in again and come back here.
 */
function reauthenticate(): void {
  saveDrafts();
  leaving = true;
  status.value = 'signed-out';
  signIn(currentPath());
}

/** Keeps what open dialogs hold (before leaving the page, or the signed-in part of it). */
function saveDrafts(): void {
  for (const save of beforeLeaving) save();
}

/** Ends the app's session, then the provider's (its end-session page returns to /signin). */
async function signOut(): Promise<void> {
  let redirectTo = '/signin';
  leaving = true;
  try {
    const { response } = await send('/logout', { method: 'POST', base: '/auth' });
    const body = (await response.json()) as { redirectTo?: unknown };
    if (typeof body.redirectTo === 'string') redirectTo = body.redirectTo;
  } finally {
    me.value = null;
    status.value = 'signed-out';
    tellOtherTabs(null);
    browser.assign(redirectTo);
  }
}

/** Registers work to do before leaving to sign in again; returns its removal. */
function onBeforeReauthenticate(save: () => void): () => void {
  beforeLeaving.add(save);
  return () => beforeLeaving.delete(save);
}

export function useSession() {
  openChannel();
  return {
    status: readonly(status),
    me: readonly(me),
    meError: readonly(meError),
    meLoading: readonly(meLoading),
    signedIn: computed(() => status.value === 'signed-in'),
    isAdmin: computed(() => me.value?.isAdmin === true),
    ensureSession,
    loadMe,
    signIn,
    signOut,
    reauthenticate,
    onBeforeReauthenticate,
    saveDrafts,
    /** Signing in or out of this page is under way: nothing else should navigate. */
    isLeaving: () => leaving,
  };
}

/** For tests: forget everything, as a fresh page load would. */
export function resetSession(): void {
  status.value = 'unknown';
  me.value = null;
  meError.value = null;
  checking = null;
  leaving = false;
  beforeLeaving.clear();
  channel?.close();
  channel = null;
}
