import { nextTick } from 'vue';

/** The focused control went away (with the alert, item or form it was in): focus is nowhere. */
export function focusLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

/** The page's heading (tabindex="-1"), where a keyboard starts on a new page too (App.vue). */
export function focusPageHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

/**
 * Runs an action that may take its own control away (Try again and Dismiss go with their
 * alert; Mark done with a task deleted elsewhere), then, if focus went with it, puts it where the
 * keyboard can go on (`refocus`: the page's heading unless said) instead of letting it start
 * again at the top of the document.
 */
export async function keepingFocus(
  action: () => unknown,
  refocus: () => void = focusPageHeading,
): Promise<void> {
  try {
    await action();
  } finally {
    await nextTick();
    if (focusLost()) refocus();
  }
}
