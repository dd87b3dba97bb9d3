import type { CoreContext } from '../core/context.js';
import { checkConsistency, isConsistent } from '../core/health/check-consistency.js';
import type { Print } from './import-command.js';

/** `roster check`: recomputes every invariant from the rows (seats, search index, Global admins); exit 1 on any difference. */
export async function checkCommand(ctx: CoreContext, print: Print): Promise<number> {
  const report = await checkConsistency(ctx);
  if (report.seats.length === 0) print("Seats: every product's assigned count matches its license assignments, and none is over its total.");
  for (const d of report.seats) {
    print(`${d.partNumber} in organization ${d.tenantId}: the pool says ${d.recorded} assigned of ${d.total}; the assignments count ${d.counted}.`);
  }
  const { termsOfInactiveUsers, usersIndexedWrongly } = report.searchIndex;
  if (termsOfInactiveUsers === 0 && usersIndexedWrongly === 0) print('Search: every active user is indexed by their name and username, and nobody else is.');
  if (termsOfInactiveUsers > 0) print(`Search: ${termsOfInactiveUsers} terms belong to deleted or removed users.`);
  if (usersIndexedWrongly > 0) print(`Search: ${usersIndexedWrongly} active users are not indexed by their current name and username.`);
  if (report.withoutGlobalAdmin.length === 0) print('Global admins: every organization has one who can sign in.');
  else print(`Global admins: no Global admin can sign in to the organization of workspace ${report.withoutGlobalAdmin.join(', ')}.`);
  if (isConsistent(report)) return 0;
  const count = report.seats.length + (termsOfInactiveUsers > 0 ? 1 : 0) + (usersIndexedWrongly > 0 ? 1 : 0) + report.withoutGlobalAdmin.length;
  print(`${count} difference${count === 1 ? '' : 's'} found.`);
  return 1;
}
