import { z } from 'zod';
import { productBySkuId } from '../catalogue/catalogue.js';
import { fail, type CoreError, type FieldError } from '../result.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { MAX_CREDENTIAL_RECIPIENTS } from '../users/add-user-input.js';
import type { ImportSettings } from './import-types.js';
import { noSuchApps } from '../refusals.js';

/** Checks the settings an admin chose for an import; each problem names its field. */
export function importSettingsProblems(settings: ImportSettings, ownedSkuIds: readonly string[]): { settings: ImportSettings; fields: FieldError[] } {
  const fields: FieldError[] = [];
  let usageLocation: string | null = null;
  if (settings.usageLocation?.trim()) {
    const location = normalizeUsageLocation(settings.usageLocation);
    if (location.ok) usageLocation = location.code;
    else fields.push({ field: 'usageLocation', message: location.message });
  } else if (settings.license) {
    fields.push({ field: 'usageLocation', message: 'Choose a usage location: licenses can only be assigned to users with one.' });
  }
  if (settings.license) {
    const product = productBySkuId(settings.license.skuId);
    if (!product || !ownedSkuIds.includes(product.skuId)) {
      fields.push({
        field: 'license',
        message: `The organization has no ${product?.displayName ?? settings.license.skuId} licenses. Buy some with \`/licenses buy\`, or choose no license.`,
      });
    } else {
      const unknown = settings.license.disabledPlans.filter((id) => !product.plans.some((plan) => plan.id === id));
      if (unknown.length) fields.push({ field: `apps:${product.skuId}`, message: noSuchApps(product.displayName, unknown) });
    }
  }
  if (settings.recipients.length > MAX_CREDENTIAL_RECIPIENTS) {
    fields.push({ field: 'recipients', message: `Send the results to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` });
  }
  return { settings: { ...settings, usageLocation, recipients: [...new Set(settings.recipients)] }, fields };
}

/**
 * Settings as stored on the job (JSON), read back with a schema rather than trusted: a job saved by
 * another version of Roster is either read (version 1 and the unversioned rows before it have the
 * same shape) or refused with a message saying what to do.
 */
const SETTINGS_VERSION = 1;

const storedSettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).optional(),
  signInAllowed: z.boolean(),
  usageLocation: z.string().nullable(),
  license: z.object({ skuId: z.string(), disabledPlans: z.array(z.string()) }).nullable(),
  whenSeatsRunOut: z.enum(['licensed_only', 'create_unlicensed']),
  recipients: z.array(z.string()),
  synced: z.boolean().optional(),
});

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
  const { version: _version, ...settings } = parsed.data;
  return { ok: true, settings };
}
