import { productBySkuId } from '../catalogue/catalogue.js';
import { mutuallyExclusiveProblem, type LicenseChoice } from '../licenses/plan-conflicts.js';
import type { FieldError } from '../result.js';
import { ROLES } from '../roles.js';
import { emailProblem } from '../rules/email.js';
import { passwordProblem } from '../rules/password-policy.js';
import { cleanProfile, profileFieldProblems, type ProfileValues } from '../rules/profile-fields.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { aliasProblem, parseUsername, type ParsedUsername } from '../rules/username.js';
import { MAX_CREDENTIAL_RECIPIENTS, type ParsedAddUserInput } from './add-user-input.js';
import { DISPLAY_NAME_NEEDED, DOMAIN_NEEDED, noSuchApps } from '../refusals.js';

export interface ValidNewUser {
  username: ParsedUsername;
  profile: ProfileValues & { displayName: string };
  usageLocation: string | null;
  alternateEmail: string | null;
}

/**
 * The Add user form's content rules that need no database beyond the tenant's domains and
 * products. Each problem names its field, so the form shows it in place.
 */
export function validateNewUser(
  input: ParsedAddUserInput,
  tenant: { domains: readonly string[]; ownedSkuIds: readonly string[] },
): { ok: true; user: ValidNewUser } | { ok: false; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const profile = cleanProfile(input);
  const displayName = input.displayName.trim() || [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  if (!displayName) fields.push({ field: 'displayName', message: DISPLAY_NAME_NEEDED });
  fields.push(...profileFieldProblems({ ...profile, displayName }));

  const alias = input.alias.trim();
  const domain = input.domain.trim().toLowerCase();
  const aliasMessage = aliasProblem(alias);
  if (aliasMessage) fields.push({ field: 'alias', message: aliasMessage });
  if (!domain) fields.push({ field: 'domain', message: DOMAIN_NEEDED });
  else if (!tenant.domains.includes(domain)) {
    fields.push({ field: 'domain', message: `The organization has no domain ${domain}. Use one of: ${tenant.domains.join(', ')}.` });
  }
  const parsed = parseUsername(`${alias}@${domain}`);
  if (!aliasMessage && domain && !parsed.ok) fields.push({ field: 'alias', message: parsed.message });

  if (input.password.mode === 'custom') {
    const problem = passwordProblem(input.password.value);
    if (problem) fields.push({ field: 'password', message: problem });
  }
  if (input.credentialRecipients.length > MAX_CREDENTIAL_RECIPIENTS) {
    fields.push({ field: 'credentialRecipients', message: `Send the credentials to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` });
  }

  let usageLocation: string | null = null;
  if (input.usageLocation?.trim()) {
    const location = normalizeUsageLocation(input.usageLocation);
    if (location.ok) usageLocation = location.code;
    else fields.push({ field: 'usageLocation', message: location.message });
  } else if (input.licenses.length > 0) {
    fields.push({ field: 'usageLocation', message: 'Choose a usage location: a license can only be assigned to a user with one.' });
  }
  fields.push(...licenseProblems(input.licenses, tenant.ownedSkuIds));

  let alternateEmail: string | null = null;
  if (input.alternateEmail?.trim()) {
    alternateEmail = input.alternateEmail.trim();
    const problem = emailProblem(alternateEmail);
    if (problem) fields.push({ field: 'alternateEmail', message: problem });
  } else if (input.roles.length > 0) {
    const names = input.roles.map((role) => ROLES[role as keyof typeof ROLES]).join(', ');
    fields.push({ field: 'alternateEmail', message: `An admin (${names}) needs an alternate email address, for password recovery.` });
  }

  if (fields.length > 0 || !parsed.ok) return { ok: false, fields };
  return { ok: true, user: { username: parsed.username, profile: { ...profile, displayName }, usageLocation, alternateEmail } };
}

export function licenseProblems(licenses: readonly LicenseChoice[], ownedSkuIds: readonly string[]): FieldError[] {
  const fields: FieldError[] = [];
  const seen = new Set<string>();
  for (const license of licenses) {
    const product = productBySkuId(license.skuId);
    if (!product || !ownedSkuIds.includes(product.skuId)) {
      fields.push({
        field: 'licenses',
        message: `The organization has no ${product?.displayName ?? license.skuId} licenses. Buy some with \`/licenses buy\`.`,
      });
      continue;
    }
    if (seen.has(product.skuId)) fields.push({ field: 'licenses', message: `${product.displayName} is chosen twice.` });
    seen.add(product.skuId);
    const unknown = license.disabledPlans.filter((id) => !product.plans.some((plan) => plan.id === id));
    if (unknown.length > 0) fields.push({ field: `apps:${product.skuId}`, message: noSuchApps(product.displayName, unknown) });
  }
  const conflict = mutuallyExclusiveProblem(licenses);
  if (conflict) fields.push({ field: 'licenses', message: conflict });
  return fields;
}
