import { nextTick, readonly, ref, shallowRef } from 'vue';

/**
 * Confirmations such as "Task created." shown briefly and read out by screen readers through
 * one polite live region (rendered by App.vue). A confirmation may offer one action, such as
 * Undo, for as long as it is shown; the time stops while the pointer or focus is on it.
 */
export interface NoticeAction {
  label: string;
  run(): void | Promise<void>;
}

const message = ref('');
const action = shallowRef<NoticeAction | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;
let remaining = 0;
let startedAt = 0;
let held = false;

const ANNOUNCEMENT_MS = 6000;
/** How long an Undo stays offered: long enough to notice, read and press it. */
const UNDO_MS = 10_000;

function clear(): void {
  clearTimeout(timer);
  message.value = '';
  action.value = null;
}

function startTimer(ms: number): void {
  clearTimeout(timer);
  remaining = ms;
  startedAt = Date.now();
  if (!held) timer = setTimeout(clear, ms);
}

function announce(text: string, offered: NoticeAction | null = null): void {
  clearTimeout(timer);
  // Emptying first makes screen readers repeat an identical message.
  message.value = '';
  action.value = null;
  void nextTick(() => {
    message.value = text;
    action.value = offered;
    startTimer(offered ? UNDO_MS : ANNOUNCEMENT_MS);
  });
}

/** The person is on the notice (hover, focus): it stays until they leave. */
function hold(): void {
  if (held || !message.value) return;
  held = true;
  clearTimeout(timer);
  remaining = Math.max(0, remaining - (Date.now() - startedAt));
}

function release(): void {
  if (!held) return;
  held = false;
  if (message.value) startTimer(Math.max(remaining, 2000));
}

/** Runs the notice's action (the button, or the z shortcut); false when none is offered. */
function runAction(): boolean {
  const offered = action.value;
  if (!offered) return false;
  clear();
  held = false;
  void offered.run();
  return true;
}

function dismiss(): void {
  held = false;
  clear();
}

export function useAnnouncer() {
  return {
    message: readonly(message),
    action: readonly(action),
    announce,
    dismiss,
    hold,
    release,
    runAction,
  };
}
