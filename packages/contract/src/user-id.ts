/** The shape of a user id: what the API accepts as the acting user and in ADMIN_USERS. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const USER_ID_MAX_LENGTH = 64;

export function isUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}
