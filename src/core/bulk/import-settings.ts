import { z } from 'zod';
import { actorSchema } from '../context.js';
import { licenseProblems as ruleProblems } from '../licenses/license-rules.js';
import { fail, type CoreError, type FieldError } from '../result.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { MAX_CREDENTIAL_RECIPIENTS } from '../users/add-user-input.js';
import { licenseProblems } from '../users/validate-new-user.js';
import type { ImportSettings } from './import-types.js';

/** An import that gives licenses needs a usage location for its users. */
export const USAGE_LOCATION_NEEDED = 'Choose a usage location: licenses can only be assigned to users with one.';

/**
 * Checks the settings an admin chose for an import; each problem names its field. The products
 * are checked as the Add user form checks them (owned, not twice, their apps, plans that exclude
 * each other), and an add-on must come with a product it needs: the run gives them without
 * checking each user again.
 */
export function importSettingsProblems(settings: ImportSettings, ownedSkuIds: readonly string[]): { settings: ImportSettings; fields: FieldError[] } {
  const fields: FieldError[] = [];
  let usageLocation: string | null = null;
  if (settings.usageLocation?.trim()) {
    const location = normalizeUsageLocation(settings.usageLocation);
    if (location.ok) usageLocation = location.code;
    else fields.push({ field: 'usageLocation', message: location.message });
  } else if (settings.licenses.length > 0) {
    fields.push({ field: 'usageLocation', message: USAGE_LOCATION_NEEDED });
  }
  const productFields = licenseProblems(settings.licenses, ownedSkuIds);
  fields.push(...productFields);
  if (productFields.length === 0) {
    const nominal = { usageLocation: usageLocation ?? 'US', userType: 'member' };
    for (const problem of ruleProblems(nominal, settings.licenses, settings.licenses, { mayLicenseGuests: true }))
      if (problem.code === 'missing_prerequisite') fields.push({ field: 'licenses', message: problem.message });
  }
  if (settings.recipients.length > MAX_CREDENTIAL_RECIPIENTS) {
    fields.push({ field: 'recipients', message: `Send the results to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` });
  }
  return { settings: { ...settings, usageLocation, recipients: [...new Set(settings.recipients)] }, fields };
}

/**
 * Settings as stored on the job (JSON), read back with a schema rather than trusted: a job saved by
 * another version of Roster is either read or refused with a message saying what to do. Version 2
 * holds a list of products (`licenses`), and the users of an import made in a form (`formRows`);
 * version 1 (and the unversioned rows before it) held one product or none (`license`), read as a
 * list of one or none.
 */
const SETTINGS_VERSION = 2;

const licenseChoice = z.object({ skuId: z.string(), disabledPlans: z.array(z.string()) });

const common = {
  signInAllowed: z.boolean(),
  usageLocation: z.string().nullable(),
  whenSeatsRunOut: z.enum(['licensed_only', 'create_unlicensed']),
  recipients: z.array(z.string()),
  synced: z.boolean().optional(),
  startedBy: actorSchema.optional(),
};

const formRow = z.object({
  rowNumber: z.number().int(),
  userName: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  displayName: z.string(),
  licenses: z.array(licenseChoice),
});

const storedSettingsSchema = z.union([
  z
    .object({ version: z.literal(SETTINGS_VERSION), ...common, licenses: z.array(licenseChoice), formRows: z.array(formRow).optional() })
    .transform(({ version: _version, ...settings }) => settings),
  z
    .object({ version: z.literal(1).optional(), ...common, license: licenseChoice.nullable() })
    .transform(({ version: _version, license, ...settings }) => ({ ...settings, licenses: license ? [license] : [] })),
]);

/** The settings as an import job keeps them, with the version of their shape. */
export function storedSettings(settings: ImportSettings): object {
  return { version: SETTINGS_VERSION, ...settings };
}

export function readStoredSettings(value: unknown): { ok: true; settings: ImportSettings } | CoreError {
  const parsed = storedSettingsSchema.safeParse(value);
  if (!parsed.success) {
    const version = typeof value === 'object' && value !== null && 'version' in value ? ` (version ${String(value.version)})` : '';
    return fail(
      'unsupported',
      `This import's settings were saved by another version of Roster${version} and cannot be read here. Cancel it and upload the file again; users it already made are kept.`,
    );
  }
  return { ok: true, settings: parsed.data };
}
