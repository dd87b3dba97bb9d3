import { productBySkuId } from '../catalogue/catalogue.js';
import type { FieldError } from '../result.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { MAX_CREDENTIAL_RECIPIENTS } from '../users/add-user-input.js';
import type { ImportSettings } from './import-types.js';

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
      fields.push({ field: 'license', message: `The organization has no ${product?.displayName ?? settings.license.skuId} licenses. Buy some with \`/licenses buy\`, or choose no license.` });
    } else {
      const unknown = settings.license.disabledPlans.filter((id) => !product.plans.some((plan) => plan.id === id));
      if (unknown.length) fields.push({ field: `apps:${product.skuId}`, message: `${product.displayName} has no app ${unknown.join(', ')}.` });
    }
  }
  if (settings.recipients.length > MAX_CREDENTIAL_RECIPIENTS) {
    fields.push({ field: 'recipients', message: `Send the results to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` });
  }
  return { settings: { ...settings, usageLocation, recipients: [...new Set(settings.recipients)] }, fields };
}
