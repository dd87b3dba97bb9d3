import { productBySkuId } from '../catalogue/catalogue.js';
import { prerequisiteProblem } from '../licenses/license-rules.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import type { Db } from '../../store/database.js';
import { licensePool } from '../../store/seat-ledger.js';

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
  private constructor(
    private readonly chosen: readonly LicenseChoice[],
    private readonly left: Map<string, number>,
  ) {}

  static async read(tx: Db, tenantId: string, chosen: readonly LicenseChoice[]): Promise<ImportSeats> {
    const left = new Map<string, number>();
    for (const choice of chosen) {
      const pool = await licensePool(tx, tenantId, choice.skuId);
      left.set(choice.skuId, pool ? Math.max(0, pool.total - pool.assigned) : 0);
    }
    return new ImportSeats(chosen, left);
  }

  /** What the next user would get now. */
  share(): SeatShare {
    const runOut = this.chosen.filter((c) => (this.left.get(c.skuId) ?? 0) === 0).map((c) => c.skuId);
    let given = this.chosen.filter((c) => !runOut.includes(c.skuId));
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
