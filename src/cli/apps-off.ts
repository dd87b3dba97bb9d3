import { productBySkuId } from '../core/catalogue/catalogue.js';
import { fail, ok, type Result } from '../core/result.js';

/**
 * `--apps-off TEAMS1,SWAY`: each app (a service plan's name, any case, or its id) is turned off in
 * every product of `licenses` that has it. An app none of them has is an error naming the option
 * that gave the products (`--add-license`, `--license`).
 */
export function turnAppsOff(
  licenses: { skuId: string; disabledPlans: readonly string[] }[],
  appsOff: unknown,
  productOption: string,
): Result<{ apps: number }> {
  const apps =
    typeof appsOff === 'string'
      ? appsOff
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : [];
  for (const app of apps) {
    let used = false;
    for (const license of licenses) {
      const plan = productBySkuId(license.skuId)?.plans.find((p) => p.id === app || p.name.toLowerCase() === app.toLowerCase());
      if (plan) {
        license.disabledPlans = [...new Set([...license.disabledPlans, plan.id])];
        used = true;
      }
    }
    if (!used)
      return fail(
        'invalid_input',
        `--apps-off ${app}: none of the products of ${productOption} has this app (give a service plan name such as TEAMS1, or its id).`,
      );
  }
  return ok({ apps: apps.length });
}
