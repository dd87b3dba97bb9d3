import type Database from 'better-sqlite3';
import { statement } from '../store/statements.js';

/**
 * Why a username cannot be used, or null: taken by an active user, or blocked by the alias rule
 * (the same alias on several domains only when its first account was made on the initial domain).
 */
export function usernameUnavailableReason(
  db: Database.Database,
  tenant: { id: string; initialDomain: string },
  username: { alias: string; domain: string; userPrincipalName: string },
): string | null {
  const taken = statement(db, 'SELECT displayName FROM DirectoryUser WHERE tenantId = ? AND activeUpnKey = ?').get(tenant.id, username.userPrincipalName.toLowerCase()) as
    | { displayName: string }
    | undefined;
  if (taken) return `The username ${username.userPrincipalName} is already taken by ${taken.displayName}. Choose another.`;
  const first = statement(db, 'SELECT domain, userPrincipalName FROM DirectoryUser WHERE tenantId = ? AND aliasKey = ? ORDER BY createdAt ASC LIMIT 1').get(
    tenant.id,
    username.alias.toLowerCase(),
  ) as { domain: string; userPrincipalName: string } | undefined;
  return aliasRuleProblem(tenant.initialDomain, username, first ?? null);
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
