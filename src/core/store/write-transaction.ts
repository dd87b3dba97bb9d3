import type Database from 'better-sqlite3';
import type { CoreContext } from '../context.js';
import { CoreFailure, type CoreError } from '../result.js';

/**
 * Runs `work` as one synchronous SQLite transaction (BEGIN IMMEDIATE) on the core's connection.
 * Every multi-statement write goes through here: being synchronous, no other request can run in
 * the middle of it, so writers never wait on each other's locks across the event loop (which with
 * two connections could stall the process until the busy timeout). A `CoreFailure` thrown inside
 * rolls everything back and comes out as its typed error.
 */
export function writeTransaction<T>(ctx: CoreContext, work: (db: Database.Database) => T): T | CoreError {
  try {
    return ctx.sqlite.transaction(() => work(ctx.sqlite)).immediate();
  } catch (error) {
    if (error instanceof CoreFailure) return error.error;
    throw error;
  }
}

/** True for SQLite's unique-constraint error, optionally on a given column. */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (typeof error !== 'object' || error === null || (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') return false;
  return column === undefined || String((error as Error).message).includes(column);
}
