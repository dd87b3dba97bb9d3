import { productBySkuId } from '../catalogue/catalogue.js';
import { prerequisiteProblem } from '../licenses/license-rules.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import type { Db } from '../../store/database.js';
import { licensePoolHeld } from '../../store/seat-ledger.js';

/** What the next user of an import gets: the products given, and those left out (none left, or an add-on whose base is left out). */
export interface SeatShare {
  given: LicenseChoice[];
  /** Products with no seat left. */
  runOut: string[];
  /** Add-ons with a seat, left out because what they need is (docs/domain.md "Add many users from a CSV"). */
  withheld: string[];
}

const nameOf = (skuId: string) => productBySkuId(skuId)?.displayName ?? skuId;

/**
 * The seats an import batch may still take, per product chosen, read inside its transaction.
 * Each product is given whole (with its apps) or not at all; an add-on is given only with a
 * product it needs, so a user never holds an add-on without its base.
 */
export class ImportSeats {
  private constructor(private readonly left: Map<string, number>) {}

  /** The seats left of each product named (the import's, and those of its rows). */
  static async read(tx: Db, tenantId: string, skuIds: Iterable<string>): Promise<ImportSeats> {
    const left = new Map<string, number>();
    // Each pool is held until the batch commits (no other writer takes its seats meanwhile), taken
    // in one order so that two imports holding several pools cannot wait on each other.
    for (const skuId of [...new Set(skuIds)].sort()) {
      const pool = await licensePoolHeld(tx, tenantId, skuId);
      left.set(skuId, pool ? Math.max(0, pool.total - pool.assigned) : 0);
    }
    return new ImportSeats(left);
  }

  /** What the next user who is to get `chosen` would get now. */
  share(chosen: readonly LicenseChoice[]): SeatShare {
    const runOut = chosen.filter((c) => (this.left.get(c.skuId) ?? 0) === 0).map((c) => c.skuId);
    let given = chosen.filter((c) => !runOut.includes(c.skuId));
    const withheld: string[] = [];
    // Only when a product ran out can an add-on lose its base; drop add-ons until what is left stands.
    for (let changed = runOut.length > 0; changed; ) {
      changed = false;
      for (const choice of given) {
        const product = productBySkuId(choice.skuId);
        if (product && prerequisiteProblem(product, given)) {
          withheld.push(choice.skuId);
          given = given.filter((c) => c.skuId !== choice.skuId);
          changed = true;
          break;
        }
      }
    }
    return { given, runOut, withheld };
  }

  /** How many users in a row can get `given` (every product given has that many seats left). */
  room(given: readonly LicenseChoice[]): number {
    return given.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...given.map((c) => this.left.get(c.skuId) ?? 0));
  }

  /** One user made with `given`. */
  take(given: readonly LicenseChoice[]): void {
    for (const choice of given) this.left.set(choice.skuId, (this.left.get(choice.skuId) ?? 0) - 1);
  }
}

/** The same products with the same apps off, whatever the order: rows with the same key are made together. */
export function choiceKey(chosen: readonly LicenseChoice[]): string {
  return JSON.stringify(chosen.map((c) => [c.skuId, [...c.disabledPlans].sort()]).sort());
}

/** "Microsoft 365 E3 and Teams Phone Standard". */
export function productNames(skuIds: readonly string[], joiner = 'and'): string {
  const names = skuIds.map(nameOf);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1)}`;
}

/** Why a user was made without some of the products (or every one), for the results. */
export function missingProductsReason(share: SeatShare): string {
  const runOut = `created without ${productNames([...share.runOut, ...share.withheld])}: no license left`;
  return share.withheld.length > 0 ? `${runOut} (${productNames(share.withheld)} needs what ${productNames(share.runOut, 'or')} gives)` : runOut;
}

export { nameOf as productName };
