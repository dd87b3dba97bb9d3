import type { CoreContext } from './context.js';
import type { Outcome } from './result.js';
import { transaction } from './transaction.js';
import type { Db } from '../store/database.js';

class Rehearsal extends Error {}

/**
 * `transaction`, or with `dryRun` a rehearsal of it: every check and write runs (so the answer is
 * exactly what the real run would say, seats included), then everything is rolled back.
 */
export async function transactionOrDryRun<T>(ctx: CoreContext, dryRun: boolean, work: (tx: Db) => Promise<T>): Promise<Outcome<T>> {
  let rehearsed: { value: T } | null = null;
  try {
    return await transaction(ctx, async (tx) => {
      const value = await work(tx);
      if (!dryRun) return value;
      rehearsed = { value };
      throw new Rehearsal('dry run: rolled back');
    });
  } catch (error) {
    if (error instanceof Rehearsal && rehearsed) return { ok: true, value: (rehearsed as { value: T }).value };
    throw error;
  }
}
