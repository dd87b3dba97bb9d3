import type { CoreContext, Tx } from '../context.js';

type Reader = Pick<CoreContext['db'], 'directoryUser'> | Tx;

/**
 * Why a username cannot be used, or null: taken by an active user, or blocked by the alias rule
 * (the same alias on several domains only when its first account was made on the initial domain).
 */
export async function usernameUnavailableReason(
  db: Reader,
  tenant: { id: string; initialDomain: string },
  username: { alias: string; domain: string; userPrincipalName: string },
): Promise<string | null> {
  const taken = await db.directoryUser.findUnique({
    where: { tenantId_activeUpnKey: { tenantId: tenant.id, activeUpnKey: username.userPrincipalName.toLowerCase() } },
    select: { displayName: true },
  });
  if (taken) return `The username ${username.userPrincipalName} is already taken by ${taken.displayName}. Choose another.`;
  const first = await db.directoryUser.findFirst({
    where: { tenantId: tenant.id, aliasKey: username.alias.toLowerCase() },
    orderBy: { createdAt: 'asc' },
    select: { domain: true, userPrincipalName: true },
  });
  return aliasRuleProblem(tenant.initialDomain, username, first);
}

/** DOMAIN.md: `geoff@contoso.onmicrosoft.com` then `geoff@contoso.com` is fine; the reverse is refused. */
export function aliasRuleProblem(
  initialDomain: string,
  username: { alias: string; domain: string },
  firstWithAlias: { domain: string; userPrincipalName: string } | null,
): string | null {
  if (!firstWithAlias || firstWithAlias.domain === username.domain) return null;
  if (firstWithAlias.domain === initialDomain) return null;
  return `The alias "${username.alias}" is already used by ${firstWithAlias.userPrincipalName}. An alias can be reused on another domain only when its first account was made on the initial domain (${initialDomain}); choose another username.`;
}
