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

/** Asks the API who is signed in; a 401 means nobody. Other failures leave the status as it was. */
async function loadMe(): Promise<SessionStatus> {
  meLoading.value = true;
  meError.value = null;
  try {
    me.value = await getMe();
    status.value = 'signed-in';
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      me.value = null;
      status.value = 'signed-out';
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
  for (const save of beforeLeaving) save();
  status.value = 'signed-out';
  signIn(currentPath());
}

/** Ends the app's session, then the provider's (its end-session page returns to /signin). */
async function signOut(): Promise<void> {
  let redirectTo = '/signin';
  try {
    const { response } = await send('/logout', { method: 'POST', base: '/auth' });
    const body = (await response.json()) as { redirectTo?: unknown };
    if (typeof body.redirectTo === 'string') redirectTo = body.redirectTo;
  } finally {
    me.value = null;
    status.value = 'signed-out';
    browser.assign(redirectTo);
  }
}

/** Registers work to do before leaving to sign in again; returns its removal. */
function onBeforeReauthenticate(save: () => void): () => void {
  beforeLeaving.add(save);
  return () => beforeLeaving.delete(save);
}

export function useSession() {
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
  };
}

/** For tests: forget everything, as a fresh page load would. */
export function resetSession(): void {
  status.value = 'unknown';
  me.value = null;
  meError.value = null;
  checking = null;
  beforeLeaving.clear();
}
