import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import type { FieldError } from '../result.js';
import type { Permission, Role } from '../roles.js';
import { emailProblem } from '../rules/email.js';
import { cleanProfile, PROFILE_FIELD_NAMES, profileFieldProblems, type ProfileValues } from '../rules/profile-fields.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { aliasProblem, parseUsername, type ParsedUsername } from '../rules/username.js';
import type { UserFieldChanges } from '../../domain/user-changes.js';
import type { ParsedEditUserInput } from './edit-user-input.js';
import type { Target } from './edit-user-target.js';
import { licenseProblems } from './validate-new-user.js';
import { DISPLAY_NAME_NEEDED } from '../refusals.js';

/** A part of a user that an edit changes, with the permission it needs and the form field it is shown on. */
export type EditPart = 'details' | 'signIn' | 'roles' | 'alternateEmail' | 'usageLocation' | 'licenses' | 'username' | 'manager';

export const PART_PERMISSION: Record<EditPart, Permission> = {
  details: 'edit_users',
  signIn: 'edit_users',
  roles: 'assign_roles',
  alternateEmail: 'edit_users',
  usageLocation: 'edit_usage_location',
  licenses: 'assign_licenses',
  username: 'edit_users',
  manager: 'edit_users',
};

/** The form field a problem with each part is shown on. */
export const PART_FIELD: Record<EditPart, string> = {
  details: 'displayName',
  signIn: 'signIn',
  roles: 'roles',
  alternateEmail: 'alternateEmail',
  usageLocation: 'usageLocation',
  licenses: 'licenses',
  username: 'alias',
  manager: 'manager',
};

/** Parts an on-premises user keeps editing on premises (docs/domain.md "Synced users"). */
/** The manager of a synced user comes from on premises too (Microsoft Entra Connect syncs it). */
export const ON_PREMISES_PARTS: readonly EditPart[] = ['details', 'signIn', 'roles', 'alternateEmail', 'username', 'manager'];

export interface EditPlan {
  parts: Set<EditPart>;
  /** Names of the fields that change (for the audit; never values). */
  changedFields: string[];
  changes: UserFieldChanges;
  roles: Role[] | null;
  licenses: { add: LicenseChoice[]; remove: string[] } | null;
  /** The username asked for, when it changes. */
  username: ParsedUsername | null;
  /** The user's licenses once the edit is made. */
  licensesAfter: LicenseChoice[];
  fields: FieldError[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Compares an edit with the user as stored: what changes, which parts (hence permissions) it
 * touches, and the content problems (the same rules as Add user), each on its field. No database.
 */
export function planUserEdit(
  input: ParsedEditUserInput,
  target: Target & { licenses: readonly LicenseChoice[] },
  tenant: { domains: readonly string[]; ownedSkuIds: readonly string[] },
): EditPlan {
  const { user } = target;
  const plan: EditPlan = {
    parts: new Set(),
    changedFields: [],
    changes: {},
    roles: null,
    licenses: null,
    username: null,
    licensesAfter: [...target.licenses],
    fields: [],
  };
  const change = (part: EditPart, ...names: string[]) => {
    plan.parts.add(part);
    plan.changedFields.push(...names);
  };

  const detailsProfile = profileAfter(input, user.profile, user.displayName);
  if (detailsProfile) {
    const { profile, displayName } = detailsProfile;
    if (!displayName) plan.fields.push({ field: 'displayName', message: DISPLAY_NAME_NEEDED });
    const changed = PROFILE_FIELD_NAMES.filter((f) => f !== 'displayName' && (profile[f] ?? null) !== (user.profile[f] ?? null));
    // The rules apply to what this edit writes: a value stored before a rule existed does not
    // block changing another field.
    const written: ProfileValues = Object.fromEntries(changed.map((f) => [f, profile[f]]));
    if (displayName !== user.displayName) written.displayName = displayName;
    plan.fields.push(...profileFieldProblems(written));
    if (changed.length > 0) {
      plan.changes.profile = profile;
      change('details', ...changed);
    }
    if (displayName && displayName !== user.displayName) {
      plan.changes.displayName = displayName;
      change('details', 'displayName');
    }
  }

  const settings = input.settings;
  if (settings?.signInAllowed !== undefined && settings.signInAllowed !== user.accountEnabled) {
    plan.changes.accountEnabled = settings.signInAllowed;
    change('signIn', 'accountEnabled');
  }
  const rolesAfter = (settings?.roles ?? target.roles) as Role[];
  if (settings?.roles && !sameSet(settings.roles, target.roles)) {
    plan.roles = rolesAfter;
    change('roles', 'roles');
  }
  let alternateEmail = user.alternateEmail;
  if (settings && settings.alternateEmail !== undefined) {
    alternateEmail = settings.alternateEmail?.trim() || null;
    if (alternateEmail !== user.alternateEmail) {
      const problem = alternateEmail ? emailProblem(alternateEmail) : null;
      if (problem) plan.fields.push({ field: 'alternateEmail', message: problem });
      plan.changes.alternateEmail = alternateEmail;
      change('alternateEmail', 'alternateEmail');
    }
  }
  if ((plan.parts.has('roles') || plan.parts.has('alternateEmail')) && rolesAfter.length > 0 && !alternateEmail) {
    plan.fields.push({ field: 'alternateEmail', message: 'An admin needs an alternate email address, for password recovery.' });
  }

  let usageLocation = user.usageLocation;
  if (input.usageLocation !== undefined) {
    const typed = input.usageLocation?.trim() ?? '';
    const location = typed ? normalizeUsageLocation(typed) : ({ ok: true, code: null } as const);
    if (!location.ok) plan.fields.push({ field: 'usageLocation', message: location.message });
    else if (location.code !== user.usageLocation) {
      usageLocation = location.code;
      plan.changes.usageLocation = location.code;
      change('usageLocation', 'usageLocation');
    }
  }

  planLicenses(plan, input, target.licenses, tenant.ownedSkuIds);
  if (!usageLocation && plan.licensesAfter.length > 0 && plan.parts.has('usageLocation')) {
    plan.fields.push({ field: 'usageLocation', message: 'A user with licenses needs a usage location. Remove their licenses first, or choose a country.' });
  }

  if (input.username) planUsername(plan, input.username, user, tenant.domains);
  return plan;
}

function profileAfter(input: ParsedEditUserInput, current: ProfileValues, currentDisplayName: string): { profile: ProfileValues; displayName: string } | null {
  if (input.details) {
    const profile = cleanProfile(input.details);
    delete profile.displayName;
    const displayName = input.details.displayName.trim() || [profile.firstName, profile.lastName].filter(Boolean).join(' ');
    return { profile, displayName };
  }
  if (input.detailsPatch) {
    const profile: ProfileValues = { ...current };
    for (const [field, value] of Object.entries(input.detailsPatch) as [keyof ProfileValues, string | null | undefined][]) {
      if (value === undefined || field === 'displayName') continue;
      const clean = value?.trim();
      if (clean) profile[field] = clean;
      else delete profile[field];
    }
    const typedName = input.detailsPatch.displayName;
    return { profile, displayName: typedName === undefined || typedName === null ? currentDisplayName : typedName.trim() };
  }
  return null;
}

function planLicenses(plan: EditPlan, input: ParsedEditUserInput, held: readonly LicenseChoice[], ownedSkuIds: readonly string[]): void {
  const heldBySku = new Map(held.map((l) => [l.skuId, l.disabledPlans]));
  let add: LicenseChoice[] = [];
  let remove: string[] = [];
  if (input.licenses) {
    plan.fields.push(...licenseProblems(input.licenses, ownedSkuIds.concat(held.map((l) => l.skuId))));
    const wanted = new Set(input.licenses.map((l) => l.skuId));
    remove = held.filter((l) => !wanted.has(l.skuId)).map((l) => l.skuId);
    add = input.licenses.filter((l) => !heldBySku.has(l.skuId) || !sameSet(heldBySku.get(l.skuId)!, l.disabledPlans));
  }
  if (input.addLicenses || input.removeLicenses) {
    const adding = (input.addLicenses ?? []).filter((l) => !heldBySku.has(l.skuId));
    plan.fields.push(...licenseProblems(adding, ownedSkuIds));
    add.push(...adding);
    remove.push(...(input.removeLicenses ?? []).filter((skuId) => heldBySku.has(skuId)));
  }
  if (add.length === 0 && remove.length === 0) return;
  plan.licenses = { add, remove };
  const after = new Map(heldBySku);
  for (const skuId of remove) after.delete(skuId);
  for (const choice of add) after.set(choice.skuId, choice.disabledPlans);
  plan.licensesAfter = [...after].map(([skuId, disabledPlans]) => ({ skuId, disabledPlans }));
  plan.parts.add('licenses');
  plan.changedFields.push('licenses');
}

function planUsername(plan: EditPlan, wanted: { alias: string; domain: string }, user: Target['user'], domains: readonly string[]): void {
  const alias = wanted.alias.trim();
  const domain = wanted.domain.trim().toLowerCase() || user.domain;
  if (`${alias}@${domain}` === user.userPrincipalName) return;
  const aliasMessage = aliasProblem(alias);
  if (aliasMessage) plan.fields.push({ field: 'alias', message: aliasMessage });
  if (!domains.includes(domain) && domain !== user.domain) {
    plan.fields.push({ field: 'domain', message: `The organization has no domain ${domain}. Use one of: ${domains.join(', ')}.` });
  }
  const parsed = parseUsername(`${alias}@${domain}`);
  if (!aliasMessage && !parsed.ok) plan.fields.push({ field: 'alias', message: parsed.message });
  if (parsed.ok) {
    plan.username = parsed.username;
    plan.changes.username = { userPrincipalName: parsed.username.userPrincipalName, alias: parsed.username.alias, domain: parsed.username.domain };
  }
  plan.parts.add('username');
  plan.changedFields.push('userPrincipalName');
}
