import type { CoreContext } from '../context.js';
import { seatDifferences, type SeatDifference } from '../../store/seat-ledger.js';
import { searchIndexDifferences, type SearchIndexDifferences } from '../../store/search-index-check.js';
import { organizationsWithoutSignInGlobalAdmin } from '../../store/user-edits.js';

/** What `npm run roster -- check` finds: every invariant Roster keeps, recomputed from the rows. */
export interface ConsistencyReport {
  /** Products whose assigned count differs from their assignments, or is above the total. */
  seats: SeatDifference[];
  /** The search index against the directory. */
  searchIndex: SearchIndexDifferences;
  /** Organizations with no active Global admin who can sign in (their Slack team ids). */
  withoutGlobalAdmin: string[];
}

/** Recomputes every invariant from the stored rows (seats, the search index, a Global admin who can sign in). */
export async function checkConsistency(ctx: CoreContext): Promise<ConsistencyReport> {
  return {
    seats: await seatDifferences(ctx.db),
    searchIndex: await searchIndexDifferences(ctx.db),
    withoutGlobalAdmin: await organizationsWithoutSignInGlobalAdmin(ctx.db),
  };
}

export function isConsistent(report: ConsistencyReport): boolean {
  return (
    report.seats.length === 0 &&
    report.searchIndex.termsOfInactiveUsers === 0 &&
    report.searchIndex.usersIndexedWrongly === 0 &&
    report.withoutGlobalAdmin.length === 0
  );
}
