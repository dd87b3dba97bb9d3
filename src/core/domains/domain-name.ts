import { USERNAME_LIMITS } from '../rules/username.js';
import { INITIAL_DOMAIN_SUFFIX } from '../tenant/initial-domain.js';

/**
 * A custom domain's name (docs/domain.md "Tenant, domains, usernames"): labels of letters, digits
 * and hyphens (not at either end), a top-level label of letters, at most 48 characters in all (the
 * admin center's limit for the part of a username after the @), and not under onmicrosoft.com
 * (Microsoft's own). Returns the lower-case name, or the problem in a sentence.
 */
export function checkDomainName(text: string): { name: string } | { problem: string } {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (!name) return { problem: 'Give the domain, for example contoso.com.' };
  if (name.length > USERNAME_LIMITS.domain) return { problem: `${name} is ${name.length} characters; a domain has at most ${USERNAME_LIMITS.domain}.` };
  const labels = name.split('.');
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  if (labels.length < 2 || !labels.every((part) => label.test(part)) || !/^[a-z]{2,63}$/.test(labels[labels.length - 1]!))
    return {
      problem: `${text.trim()} is not a domain name: use letters, digits and hyphens between dots, ending in a name such as .com (contoso.com, mail.contoso.nl).`,
    };
  if (name.endsWith(INITIAL_DOMAIN_SUFFIX) || name === INITIAL_DOMAIN_SUFFIX.slice(1))
    return { problem: `${name} is under onmicrosoft.com, which is Microsoft's: an organization has one such domain, its initial domain.` };
  return { name };
}
