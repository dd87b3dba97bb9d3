import type { CoreContext } from '../context.js';
import { seatDifferences, type SeatDifference } from '../../store/seat-ledger.js';

/**
 * The seat ledger's invariant, checked: for every product of every organization, the assigned count
 * equals the license assignments it counts and is never above the total bought. Returns every
 * difference (none when consistent). Run by `npm run roster -- check` and by the tests.
 */
export async function checkSeatLedger(ctx: CoreContext, tenantId?: string): Promise<SeatDifference[]> {
  return seatDifferences(ctx.db, tenantId);
}
