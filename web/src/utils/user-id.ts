/** The API's rule for user ids (X-Forwarded-User); anything else is answered with 401. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const USER_ID_MAX_LENGTH = 64;

export function isValidUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}
