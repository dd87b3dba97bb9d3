import { checkConsistency, type ConsistencyReport } from '../core/health/check-consistency.js';
import { openDatabase, type OpenDatabase } from '../db/open-database.js';
import { createLogger } from '../log.js';
import { CopyRefused, copyRows, liveWorkOnSource, type TableCopy } from '../store/database-copy.js';
import { createRuntime } from './create-runtime.js';

export { CopyRefused, type TableCopy } from '../store/database-copy.js';

/**
 * `roster copy-database`: opens the SQLite database of `from` as it is (no migration: nothing is
 * written to it) and refuses while a Roster app is at work on it, migrates the PostgreSQL database
 * of `to`, copies every row (store/database-copy.ts), then recomputes `check` on the copy with a
 * runtime that runs nothing (no job queue). `key` is the secret key the copy is used with.
 */
export async function copyDatabase(
  from: string,
  to: string,
  key: Buffer,
  say: { migrated(count: number): void; progress(table: string, copied: number, of: number): void; errors(line: string): void },
): Promise<{ copies: TableCopy[]; report: ConsistencyReport }> {
  let source: OpenDatabase | null = null;
  let target: OpenDatabase | null = null;
  try {
    source = await openDatabase(from, { migrate: false });
    const live = liveWorkOnSource(source.sqlite!, new Date());
    if (live) throw new CopyRefused(`a Roster app is at work on ${source.file}: ${live}. Stop the app, then copy (rows written during the copy would be lost)`);
    target = await openDatabase(to);
    say.migrated(target.applied.length);
    const copies = await copyRows(source.sqlite!, target.db, say.progress);
    const runtime = await createRuntime({ databaseUrl: to, database: target, secretKey: key, jobQueues: () => [], logger: createLogger('error', say.errors) });
    try {
      return { copies, report: await checkConsistency(runtime.core) };
    } finally {
      await runtime.shutdown();
    }
  } finally {
    await target?.close();
    await source?.close();
  }
}
