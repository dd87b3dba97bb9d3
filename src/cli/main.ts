import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { envSchema } from '../config/env.js';
import { newInstanceId } from '../core/bulk/index.js';
import type { CoreContext } from '../core/context.js';
import { defaultDatabaseUrl } from '../db/database-url.js';
import { openDatabase } from '../db/open-database.js';
import { checkCommand } from './check-command.js';
import { IMPORT_CHANNEL_USAGE, importChannelCliCommand } from './import-channel-command.js';
import { importCommand, listInterruptedCommand, resumeCommand } from './import-command.js';
import { operatorActor } from './operator.js';

const USAGE = `Usage: npm run roster -- <command> [options]

Commands:
  import <file.csv> --workspace <Slack team id> [options]   verify, then add the users of a CSV
      --license <product>   part number or part of the name (e.g. O365_BUSINESS_ESSENTIALS, "business basic")
      --location <code>     usage location for every user (ISO code such as NL); required with --license
      --dry-run             verify and print the preview; write nothing (no Slack needed)
      --blocked             create the accounts with sign-in blocked
      --create-unlicensed   with fewer seats than rows, create the rest without a license
      --out <file>          where to write the results CSV (default <file>-results.csv; never overwritten without --force)
      --force               replace an existing --out file
      --resume <job id>     go on with an interrupted import of this file (users made before get new passwords)
  import --list --workspace <Slack team id>                  list interrupted imports, with how to resume each
  check                                                      check that every product's seat count matches its assignments
${IMPORT_CHANNEL_USAGE}

Common options:
  --role <role>   act with this admin role instead of Global admin (global_admin, user_admin, license_admin, ...)

You act as the local account (recorded in the audit as cli:<name>). The database is DATABASE_URL
(default ${defaultDatabaseUrl}, in the project folder), as for npm start; ROSTER_IMPORT_MAX_ROWS and
ROSTER_IMPORT_MAX_BYTES limit imports as in Slack.`;

const limitsSchema = envSchema.pick({ ROSTER_IMPORT_MAX_ROWS: true, ROSTER_IMPORT_MAX_BYTES: true });

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        license: { type: 'string' },
        location: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        blocked: { type: 'boolean', default: false },
        'create-unlicensed': { type: 'boolean', default: false },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        resume: { type: 'string' },
        list: { type: 'boolean', default: false },
        role: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return usage(`error: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help) return usage('', 0);
  if (command !== 'import' && command !== 'check' && command !== 'import-channel') return usage(`error: unknown command ${command ?? '(none)'}`);
  const limits = limitsSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (!limits.success) {
    process.stderr.write(`error: ${z.prettifyError(limits.error)}\n`);
    return 2;
  }
  if (command === 'import-channel' && !values.workspace) return usage('error: --workspace <Slack team id> is required');
  if (command === 'import') {
    if (!values.workspace) return usage('error: --workspace <Slack team id> is required');
    if (!values.list && !file) return usage('error: name the CSV file');
    if (file && !existsSync(file)) {
      process.stderr.write(`error: no file ${file}\n`);
      return 1;
    }
  }
  const who = operatorActor(values.workspace ?? '', values.role);
  if (!who.ok) return usage(`error: ${who.message}`);

  const db = await openDatabase(process.env.DATABASE_URL || defaultDatabaseUrl);
  const ctx: CoreContext = { db: db.db, now: () => new Date(), instanceId: newInstanceId() };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (command === 'check') return await checkCommand(ctx, print);
    if (command === 'import-channel') return await importChannelCliCommand(ctx, who.actor, file, positionals[2], print);
    if (values.list) return await listInterruptedCommand(ctx, who.actor, print);
    const options = {
      file: file!,
      license: values.license,
      location: values.location,
      dryRun: values['dry-run'],
      blocked: values.blocked,
      createUnlicensed: values['create-unlicensed'],
      out: values.out,
      force: values.force,
      limits: { maxRows: limits.data.ROSTER_IMPORT_MAX_ROWS, maxBytes: limits.data.ROSTER_IMPORT_MAX_BYTES },
    };
    if (values.resume) return await resumeCommand(ctx, who.actor, values.resume, options, print, progress);
    return await importCommand(ctx, who.actor, options, print, progress);
  } finally {
    await db.close();
  }
}

function usage(problem: string, code = 2): number {
  process.stderr.write(`${problem ? `${problem}\n\n` : ''}${USAGE}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
