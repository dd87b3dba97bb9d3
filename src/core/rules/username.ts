import { DOMAIN_NEEDED, USERNAME_NEEDED } from '../refusals.js';

/**
 * Username (UPN) rules, docs/domain.md "Tenant, domains, usernames". We apply the admin center's
 * stricter lengths (UPN 79, alias 30, domain 48: the Add user page's) rather than Entra's looser ones.
 */
export const USERNAME_LIMITS = { upn: 79, alias: 30, domain: 48 } as const;

const ALIAS_CHARACTER = /^[A-Za-z0-9'.\-_!#^~]$/;

export interface ParsedUsername {
  alias: string;
  domain: string;
  /** `alias@domain`, with the domain lower-cased. */
  userPrincipalName: string;
}

/** Problems with an alias on its own (the part before `@`), or null when it is fine. */
export function aliasProblem(alias: string): string | null {
  if (alias.length === 0) return USERNAME_NEEDED;
  const bad = [...new Set([...alias].filter((ch) => !ALIAS_CHARACTER.test(ch)))];
  if (bad.length > 0) {
    const shown = bad.map((ch) => (ch === ' ' ? 'space' : `"${ch}"`)).join(', ');
    return `The username can't contain ${shown}. Use letters A-Z, digits and ' . - _ ! # ^ ~ only.`;
  }
  if (alias.length > USERNAME_LIMITS.alias) {
    return `The username is ${alias.length} characters; the most is ${USERNAME_LIMITS.alias} (before the @).`;
  }
  if (alias.startsWith('.')) return "The username can't start with a period.";
  if (alias.endsWith('.')) return "The username can't end with a period (no '.' directly before the @).";
  if (alias.includes('..')) return "The username can't contain two periods in a row.";
  return null;
}

/** Problems with a domain name's form (not whether the tenant has it), or null. */
export function domainFormProblem(domain: string): string | null {
  if (domain.length === 0) return DOMAIN_NEEDED;
  if (domain.length > USERNAME_LIMITS.domain) {
    return `The domain is ${domain.length} characters; the most is ${USERNAME_LIMITS.domain}.`;
  }
  const labels = domain.split('.');
  const labelOk = (label: string) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label);
  if (labels.length < 2 || !labels.every(labelOk)) return `"${domain}" is not a valid domain name.`;
  return null;
}

/**
 * Splits and checks a full username. Leading/trailing spaces are refused here (Entra's bulk
 * import fails on them); callers that trim say so.
 */
export function parseUsername(value: string): { ok: true; username: ParsedUsername } | { ok: false; message: string } {
  if (value.length === 0) return { ok: false, message: USERNAME_NEEDED };
  if (value !== value.trim()) return { ok: false, message: 'The username starts or ends with a space; remove it.' };
  const at = value.split('@');
  if (at.length !== 2) {
    return { ok: false, message: at.length === 1 ? 'The username needs a domain, as in name@contoso.com.' : 'The username can contain only one @.' };
  }
  const [alias = '', rawDomain = ''] = at;
  const domain = rawDomain.toLowerCase();
  const problem = aliasProblem(alias) ?? domainFormProblem(domain);
  if (problem) return { ok: false, message: problem };
  const userPrincipalName = `${alias}@${domain}`;
  if (userPrincipalName.length > USERNAME_LIMITS.upn) {
    return { ok: false, message: `The username is ${userPrincipalName.length} characters with its domain; the most is ${USERNAME_LIMITS.upn}.` };
  }
  return { ok: true, username: { alias, domain, userPrincipalName } };
}

/** The key usernames are compared by (case-insensitive). */
export function upnKey(userPrincipalName: string): string {
  return userPrincipalName.toLowerCase();
}
