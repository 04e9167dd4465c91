/** The shape of a user id (a token's `sub`): one definition, in task-store. */
export { isUserId, USER_ID_PATTERN } from '@task-manager/task-store/user-id';
