/** The shape of a user id, as the authenticating proxy sets it in X-Forwarded-User. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function isUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}
