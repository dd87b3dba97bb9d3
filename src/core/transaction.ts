import type { CoreContext, Tx } from './context.js';
import { CoreFailure, type CoreError } from './result.js';

/**
 * Runs `work` in one database transaction. A `CoreFailure` thrown inside rolls everything back
 * and comes out as its typed error; anything else is a bug and propagates.
 */
export async function runInTransaction<T>(ctx: CoreContext, work: (tx: Tx) => Promise<T>): Promise<T | CoreError> {
  try {
    return await ctx.db.$transaction(work, { timeout: 30_000, maxWait: 30_000 });
  } catch (error) {
    if (error instanceof CoreFailure) return error.error;
    throw error;
  }
}

/** True for Prisma's unique-constraint violation, optionally on a given column. */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (typeof error !== 'object' || error === null || (error as { code?: string }).code !== 'P2002') return false;
  if (!column) return true;
  return JSON.stringify((error as { meta?: unknown }).meta ?? '').includes(column);
}
