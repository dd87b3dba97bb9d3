import { existsSync } from 'node:fs';
import { secretKeyFromEnv } from '../config/env.js';
import { keyFilePath, loadOrCreateKeyFile } from '../core/credentials/secret-key.js';
import { describeDatabaseUrl, isPostgresUrl, sqlitePathFromUrl } from '../db/database-url.js';
import { copyDatabase } from '../runtime/copy-database.js';
import { printConsistency } from './admin-commands.js';
import { EXIT, usageError } from './cli-kit.js';
import type { CommandSpec } from './command-tree.js';

/** A progress line for a big table every this many rows (each table's end is always told). */
const PROGRESS_EVERY = 10_000;

/**
 * `roster copy-database --to postgres://…`: moves a SQLite database to PostgreSQL (README "Deploy").
 * Refuses unless the key that sealed the source's secrets is the one given for the target.
 */
export const COPY_DATABASE_COMMAND: CommandSpec = {
  path: ['copy-database'],
  summary: 'copy every row of a SQLite database into an empty PostgreSQL database, then check the copy',
  args: '--to <postgres://…> [--from <file:…>]',
  positionals: { min: 0, max: 0 },
  required: ['to'],
  options: {
    to: { type: 'string', value: '<postgres://…>', help: 'the PostgreSQL database to copy into: empty (it is migrated first)' },
    from: { type: 'string', value: '<file:…>', help: 'the SQLite database to copy (DATABASE_URL by default)' },
  },
  details: `Stop the Roster app first: rows it writes during the copy would not be copied (a job running on the
source is refused, but an idle app cannot be seen). The target is migrated, must hold no rows, and receives
every table in the order of their foreign keys, in one transaction: ids, sealed secrets and timestamps as they
are; a failure leaves it empty. Then the copy's row counts are compared with the source's and \`roster check\`
runs on the target. Exit 0 when all is equal and consistent, 1 otherwise.
Sealed secrets (pending passwords, connection secrets, bot tokens) open only with the key that sealed them:
when the key file beside the SQLite database exists, ROSTER_SECRET_KEY (or ROSTER_SECRET_KEY_FILE) must hold
that same key, here and for every instance on PostgreSQL.`,
  examples: [
    'ROSTER_SECRET_KEY="$(cat data/roster.db.secret-key)" roster copy-database --to postgres://roster@db.internal:5432/roster',
    'roster copy-database --from file:/data/roster.db --to postgres://roster@db.internal:5432/roster',
  ],
  noWorkspace: true,
  migrate: async ({ databaseUrl, values, env, print, problem }) => {
    const from = typeof values.from === 'string' ? values.from : databaseUrl;
    const to = String(values.to);
    if (isPostgresUrl(from)) return usageError(problem, `--from is the SQLite database to copy (file:…), not ${describeDatabaseUrl(from)}`);
    if (!isPostgresUrl(to)) return usageError(problem, `--to is a PostgreSQL URL (postgres://…), not "${to}"`);
    const file = sqlitePathFromUrl(from);
    if (!existsSync(file)) {
      problem(`error: there is no SQLite database at ${file}: give its URL with --from (or DATABASE_URL)`);
      return EXIT.refused;
    }
    const given = secretKeyFromEnv(env);
    if (!given.ok) return usageError(problem, given.message);
    const keyFile = keyFilePath(file);
    const carry = `Carry the key over: ROSTER_SECRET_KEY="$(cat ${keyFile})" for this command, and the same key for every instance on PostgreSQL (best as a file: ROSTER_SECRET_KEY_FILE, a Docker secret; README "Deploy").`;
    if (existsSync(keyFile)) {
      let sourceKey: Buffer;
      try {
        sourceKey = loadOrCreateKeyFile(keyFile);
      } catch (error) {
        problem(`error: ${(error as Error).message}`);
        return EXIT.refused;
      }
      if (!given.key?.equals(sourceKey)) {
        problem(
          `error: the source's secrets are sealed with the key in ${keyFile}, and ROSTER_SECRET_KEY ${given.key ? 'holds another key' : 'is not set'}: on PostgreSQL they would never open again.`,
        );
        problem(carry);
        return EXIT.refused;
      }
    } else if (!given.key) {
      problem(`error: ROSTER_SECRET_KEY (or ROSTER_SECRET_KEY_FILE) is needed: set it to the key the SQLite app ran with (there is no key file ${keyFile}).`);
      return EXIT.refused;
    }
    // Rows of the current table told so far (a progress line each time it passes a multiple of PROGRESS_EVERY).
    let told = 0;
    try {
      const { copies, report } = await copyDatabase(from, to, given.key, {
        migrated: (count) =>
          print(`Copying ${file} into ${describeDatabaseUrl(to)}${count ? ` (migrated: ${count} migrations applied)` : ''}, in one transaction.`),
        progress: (table, copied, of) => {
          if (copied === 0) told = 0;
          if (copied === of) print(`${table}: ${of} row${of === 1 ? '' : 's'}`);
          else if (Math.floor(copied / PROGRESS_EVERY) > Math.floor(told / PROGRESS_EVERY)) print(`${table}: ${copied} of ${of} rows…`);
          told = copied;
        },
        errors: problem,
      });
      const differing = copies.filter((c) => c.source !== c.target);
      for (const c of differing) print(`${c.table}: the source has ${c.source} rows, the target ${c.target}.`);
      const rows = copies.reduce((sum, c) => sum + c.target, 0);
      print(`Copied ${rows} rows of ${copies.length} tables.${differing.length ? '' : ' Every table has as many rows as in the source.'}`);
      print(`Checking ${describeDatabaseUrl(to)}:`);
      const checked = printConsistency(report, print);
      if (differing.length === 0 && checked === EXIT.done)
        print(`Done. Point DATABASE_URL at ${describeDatabaseUrl(to)}, with the same ROSTER_SECRET_KEY, and start Roster there.`);
      return differing.length === 0 ? checked : EXIT.refused;
    } catch (error) {
      problem(`error: ${(error as Error).message}`);
      return EXIT.refused;
    }
  },
};
