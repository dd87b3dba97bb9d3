import type { CoreContext } from './context.js';
import { CoreFailure, type CoreError } from './result.js';
import { inTransaction, type Db } from '../store/database.js';

/**
 * Runs `work` as one transaction: everything it writes stands or falls together. A CoreFailure
 * thrown inside rolls it back and comes out as its typed error. Only queries belong inside: hash
 * passwords and call Slack before or after.
 */
export async function transaction<T>(ctx: CoreContext, work: (tx: Db) => Promise<T>): Promise<T | CoreError> {
  try {
    return await inTransaction(ctx.db, work);
  } catch (error) {
    if (error instanceof CoreFailure) return error.error;
    throw error;
  }
}

export function isCoreError(value: unknown): value is CoreError {
  return typeof value === 'object' && value !== null && 'ok' in value && value.ok === false;
}
