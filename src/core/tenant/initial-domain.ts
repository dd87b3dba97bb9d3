/** The initial domain, `<name>.onmicrosoft.com` (docs/domain.md "Tenant, domains, usernames"). */
export const INITIAL_DOMAIN_SUFFIX = '.onmicrosoft.com';
const PREFIX_MAX = 27;

export function normalizeInitialDomain(value: string): string {
  const lower = value.trim().toLowerCase();
  return lower.endsWith(INITIAL_DOMAIN_SUFFIX) ? lower : `${lower}${INITIAL_DOMAIN_SUFFIX}`;
}

export function initialDomainProblem(domain: string): string | null {
  const prefix = domain.slice(0, -INITIAL_DOMAIN_SUFFIX.length);
  if (!prefix) return 'Enter the initial domain, for example contoso (for contoso.onmicrosoft.com).';
  if (!/^[a-z0-9]+$/.test(prefix)) return `"${prefix}" can hold only letters and digits (no spaces, dots or hyphens).`;
  if (prefix.length > PREFIX_MAX) return `"${prefix}" is ${prefix.length} characters; the most is ${PREFIX_MAX}.`;
  return null;
}

/** A proposal from the organization's name: "Contoso Ltd." -> "contosoltd.onmicrosoft.com". */
export function proposeInitialDomain(organizationName: string): string {
  const prefix = organizationName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, PREFIX_MAX);
  return `${prefix || 'organization'}${INITIAL_DOMAIN_SUFFIX}`;
}
