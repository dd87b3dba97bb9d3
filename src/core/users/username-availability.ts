import { activeUserByUpn, firstAccountsByAlias } from '../../store/directory-users.js';
import type { Db } from '../../store/database.js';

/**
 * Why a username cannot be used, or null: taken by an active user, or blocked by the alias rule
 * (the same alias on several domains only when its first account was made on the initial domain).
 * Deleted users hold neither their username nor their alias.
 */
export async function usernameUnavailableReason(
  db: Db,
  tenant: { id: string; initialDomain: string },
  username: { alias: string; domain: string; userPrincipalName: string },
): Promise<string | null> {
  const taken = await activeUserByUpn(db, tenant.id, username.userPrincipalName);
  if (taken) return `The username ${username.userPrincipalName} is already taken by ${taken.displayName}. Choose another.`;
  const aliasKey = username.alias.toLowerCase();
  const first = (await firstAccountsByAlias(db, tenant.id, [aliasKey])).get(aliasKey) ?? null;
  return aliasRuleProblem(tenant.initialDomain, username, first);
}

/**
 * docs/domain.md "Usernames": `geoff@contoso.onmicrosoft.com` then `geoff@contoso.com` is fine; the
 * reverse is refused. With `quoteValues: false` (a file that holds passwords) the message names
 * neither the alias nor the account holding it, since both repeat the cell's value.
 */
export function aliasRuleProblem(
  initialDomain: string,
  username: { alias: string; domain: string },
  firstWithAlias: { domain: string; userPrincipalName: string } | null,
  options: { quoteValues?: boolean } = {},
): string | null {
  if (!firstWithAlias || firstWithAlias.domain === username.domain) return null;
  if (firstWithAlias.domain === initialDomain) return null;
  const rule = `An alias can be reused on another domain only when its first account was made on the initial domain (${initialDomain}); choose another username.`;
  if (options.quoteValues === false) return `The alias of this username is already used by an account on another domain. ${rule}`;
  return `The alias "${username.alias}" is already used by ${firstWithAlias.userPrincipalName}. ${rule}`;
}
