/**
 * localStorage that never throws: it is unavailable in some private modes and when storage is
 * full, and remembering a preference is never worth breaking the page for.
 */
export function readStored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not remembered this time; the page still works.
  }
}
