import type { CoreContext } from './context.js';
import { CoreFailure, type Outcome } from './result.js';
import { inSavepoint, inTransaction, type Db } from '../store/database.js';

/**
 * Runs `work` as one transaction: everything it writes stands or falls together. A CoreFailure
 * thrown inside rolls it back and comes out as its typed error. Only queries belong inside: hash
 * passwords and call Slack before or after.
 */
export async function transaction<T>(ctx: CoreContext, work: (tx: Db) => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await inTransaction(ctx.db, work) };
  } catch (error) {
    if (error instanceof CoreFailure) return error.error;
    throw error;
  }
}

/**
 * Runs `work` as one step inside the caller's transaction (a savepoint): a CoreFailure (or any
 * error) thrown inside undoes only that step's writes; the CoreFailure comes out as its typed error,
 * any other error is rethrown. With `rehearse` the step's writes are undone even when it succeeds.
 * Lets one transaction carry many users' changes, each kept whole or not at all.
 */
export async function step<T>(tx: Db, work: () => Promise<T>, options: { rehearse?: boolean } = {}): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await inSavepoint(tx, work, options) };
  } catch (error) {
    if (error instanceof CoreFailure) return error.error;
    throw error;
  }
}
