/**
 * Who a request acts for, from the claims of an access token or an ID token: the same rules
 * whichever way the person signed in.
 */
import { isUserId } from '@task-manager/contract';

export interface Identity {
  /** The token's `sub`: the key of the person's data. */
  userId: string;
  /**
   * What the UI and the reports show: name, preferred_username or email, else username (all
   * that a Cognito access token carries), else the id.
   */
  name: string;
  /** The groups claim, OIDC_GROUPS_CLAIM (ADMIN_GROUP there makes an admin). */
  groups: string[];
}

export interface AdminRule {
  adminGroup: string;
  adminUsers: ReadonlySet<string>;
}

/** Display names are text on a page and in a CSV: bounded, printable, trimmed. */
export const NAME_MAX = 100;

function displayName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = [...value.replace(/\p{Cc}/gu, ' ').trim()].slice(0, NAME_MAX).join('');
  return name === '' ? undefined : name;
}

/**
 * The identity in a set of claims, or a reason it cannot be one. The groups are read from
 * `groupsClaim` only (a provider's own name for them, such as `cognito:groups`).
 */
export function identityFromClaims(
  claims: Record<string, unknown>,
  groupsClaim = 'groups',
): { identity: Identity } | { problem: string } {
  const { sub } = claims;
  if (typeof sub !== 'string' || !isUserId(sub)) {
    return { problem: 'the token has no subject this service supports' };
  }
  const listed = claims[groupsClaim];
  const groups = Array.isArray(listed)
    ? listed.filter((group): group is string => typeof group === 'string')
    : [];
  const name =
    displayName(claims.name) ??
    displayName(claims.preferred_username) ??
    displayName(claims.email) ??
    displayName(claims.username) ??
    sub;
  return { identity: { userId: sub, name, groups } };
}

export function isAdmin(identity: Identity, rule: AdminRule): boolean {
  return identity.groups.includes(rule.adminGroup) || rule.adminUsers.has(identity.userId);
}

/** The identity without the groups that make no difference here (a session keeps no more). */
export function withAdminGroupOnly(identity: Identity, rule: AdminRule): Identity {
  return { ...identity, groups: identity.groups.filter((group) => group === rule.adminGroup) };
}
