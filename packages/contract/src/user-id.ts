/** The longest user id: what the API accepts as the acting user and in ADMIN_USERS. */
export const USER_ID_MAX_LENGTH = 64;

/** The shape of a user id. */
export const USER_ID_PATTERN = new RegExp(
  `^[A-Za-z0-9][A-Za-z0-9._@-]{0,${USER_ID_MAX_LENGTH - 1}}$`,
);

/**
 * The rule in words, for people choosing a name and for error messages: the sign-in page of the
 * development provider, `npm run token` and the configuration checks all say it this way.
 */
export const USER_ID_RULE = `letters (A-Z, a-z), digits and . _ @ -, at most ${USER_ID_MAX_LENGTH}, starting with a letter or digit`;

export function isUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}
