/**
 * Leaving the single-page app for a full page load: signing in and out go through task-service
 * and the identity provider, which are not routes of this app. One object, so component tests
 * can watch where the app would go instead of navigating jsdom.
 */
export const browser = {
  assign(url: string): void {
    window.location.assign(url);
  },
};

/** The path, query and hash of the current page: where to come back to after signing in. */
export function currentPath(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}
