import { computed, readonly, ref } from 'vue';
import { isAbortError } from '@/api/http';
import { getMe } from '@/api/me';
import type { Me } from '@/api/types';
import { readStored, writeStored } from '@/utils/storage';
import { isValidUserId } from '@/utils/user-id';

/**
 * Who is signed in. Local mode has no password: the name is remembered in the browser and sent
 * as X-Forwarded-User; in production the authenticating proxy sets that header instead. Two
 * fields of shared state do not justify a store library, so this is a module-level composable.
 */

export const USER_STORAGE_KEY = 'task-manager.user';

function storedUser(): string | null {
  const value = readStored(USER_STORAGE_KEY);
  return value && isValidUserId(value) ? value : null;
}

const userId = ref<string | null>(storedUser());
const me = ref<Me | null>(null);
const meError = ref<unknown>(null);
const meLoading = ref(false);
let meRequest: AbortController | null = null;

function signIn(name: string): void {
  if (!isValidUserId(name)) throw new Error(`Invalid user id: ${name}`);
  if (name !== userId.value) me.value = null;
  userId.value = name;
  writeStored(USER_STORAGE_KEY, name);
}

function signOut(): void {
  meRequest?.abort();
  userId.value = null;
  me.value = null;
  meError.value = null;
  writeStored(USER_STORAGE_KEY, null);
}

/** Asks the API who the user is and whether they may read reports. */
async function loadMe(): Promise<void> {
  meRequest?.abort();
  if (!userId.value) return;
  const controller = new AbortController();
  meRequest = controller;
  meLoading.value = true;
  meError.value = null;
  try {
    me.value = await getMe(controller.signal);
  } catch (error) {
    if (!isAbortError(error)) meError.value = error;
  } finally {
    if (meRequest === controller) {
      meLoading.value = false;
      meRequest = null;
    }
  }
}

export function useSession() {
  return {
    userId: readonly(userId),
    me: readonly(me),
    meError: readonly(meError),
    meLoading: readonly(meLoading),
    isAdmin: computed(() => me.value?.isAdmin === true && me.value.userId === userId.value),
    signIn,
    signOut,
    loadMe,
  };
}

/** The current user id without reactivity, for the API client's header. */
export function currentUserId(): string | null {
  return userId.value;
}
