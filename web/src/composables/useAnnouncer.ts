import { nextTick, readonly, ref } from 'vue';

/**
 * Confirmations such as "Task created." shown briefly and read out by screen readers through
 * one polite live region (rendered by App.vue).
 */
const message = ref('');
let timer: ReturnType<typeof setTimeout> | undefined;

export const ANNOUNCEMENT_MS = 6000;

function announce(text: string): void {
  clearTimeout(timer);
  // Emptying first makes screen readers repeat an identical message.
  message.value = '';
  void nextTick(() => {
    message.value = text;
    timer = setTimeout(() => (message.value = ''), ANNOUNCEMENT_MS);
  });
}

function dismiss(): void {
  clearTimeout(timer);
  message.value = '';
}

export function useAnnouncer() {
  return { message: readonly(message), announce, dismiss };
}
