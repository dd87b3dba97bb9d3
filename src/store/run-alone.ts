import type { Db } from './database.js';
import { dialectOf } from './dialect.js';

/**
 * Runs `work` unless work of the same `name` runs on another instance of this database at this
 * moment, in which case it resolves `{ ran: false }` at once (the recurring sweeps: core/jobs).
 * On PostgreSQL a session advisory lock held for as long as `work` runs; see dialect.ts `alone`.
 */
export function runAlone<T>(db: Db, name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  return dialectOf(db).alone(db, name, work);
}
