/**
 * The one rule for user ids: the OpenID `sub` task-service acts for, the name typed on the
 * development identity provider's sign-in page, and the partition key of a user's tasks. Kept
 * free of imports so the identity provider can use it without the DynamoDB client.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const USER_ID_MAX_LENGTH = 64;

export function isUserId(value: string): boolean {
  return USER_ID_PATTERN.test(value);
}
