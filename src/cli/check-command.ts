import type { CoreContext } from '../core/context.js';
import { checkSeatLedger } from '../core/licenses/check-seats.js';
import type { Print } from './import-command.js';

/** `roster check`: recomputes every product's assigned seats from the assignments; exit 1 on any difference. */
export async function checkCommand(ctx: CoreContext, print: Print): Promise<number> {
  const differences = await checkSeatLedger(ctx);
  if (differences.length === 0) {
    print("Seats: every product's assigned count matches its license assignments, and none is over its total.");
    return 0;
  }
  for (const d of differences) {
    print(`${d.partNumber} in organization ${d.tenantId}: the pool says ${d.recorded} assigned of ${d.total}; the assignments count ${d.counted}.`);
  }
  print(`${differences.length} difference${differences.length === 1 ? '' : 's'} found.`);
  return 1;
}
