import { onBeforeUnmount, onMounted, ref } from 'vue';

/** The single-key shortcuts of the app, as the shortcut list shows them. */
export type ShortcutKey = 'n' | '/' | 'z' | '?';

/**
 * Whether a key press is the person typing (in a field, a list box, editable text) or
 * meant for something else (a modifier held, a dialog open): then no shortcut fires.
 */
function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return true;
  const target = event.target;
  if (target instanceof HTMLElement) {
    if (target.isContentEditable) return true;
    if (target.closest('input, textarea, select, [role="textbox"], [role="combobox"]')) return true;
  }
  return document.querySelector('dialog[open]') !== null;
}

/**
 * Single-key shortcuts while this component is mounted. Each returns true when it acted
 * (then the key does nothing else).
 */
export function useShortcuts(bindings: Partial<Record<ShortcutKey, () => boolean | void>>): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.repeat || isTyping(event)) return;
    const binding = bindings[event.key as ShortcutKey];
    if (binding && binding() !== false) event.preventDefault();
  }
  onMounted(() => document.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown));
}

/** Whether the list of shortcuts is open (App.vue shows it; `?` and a button open it). */
const helpOpen = ref(false);

export function useShortcutHelp() {
  return {
    helpOpen,
    showHelp: () => void (helpOpen.value = true),
    hideHelp: () => void (helpOpen.value = false),
  };
}
