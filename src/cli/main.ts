import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultDatabaseUrl } from '../db/database-url.js';
import { openDatabase } from '../db/open-database.js';
import { importCommand } from './import-command.js';

const USAGE = `Usage: npm run roster -- import <file.csv> --workspace <Slack team id> [options]

  --license <product>   part number or part of the name (e.g. O365_BUSINESS_ESSENTIALS, "business basic")
  --location <code>     usage location for every user (ISO code such as NL); required with --license
  --dry-run             verify and print the preview; write nothing (no Slack needed)
  --blocked             create the accounts with sign-in blocked
  --create-unlicensed   with fewer seats than rows, create the rest without a license
  --out <file>          where to write the results CSV (default <file>-results.csv)

The database is DATABASE_URL (default ${defaultDatabaseUrl}), as for npm start.`;

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
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help || command !== 'import' || !file || !values.workspace) {
    const problem = values.help ? '' : command !== 'import' ? `error: unknown command ${command ?? '(none)'}\n\n` : !file ? 'error: name the CSV file\n\n' : 'error: --workspace <Slack team id> is required\n\n';
    process.stderr.write(`${problem}${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`error: no file ${file}\n`);
    return 1;
  }
  const db = await openDatabase(process.env.DATABASE_URL || defaultDatabaseUrl);
  try {
    return await importCommand(
      { db: db.prisma, sqlite: db.sqlite, now: () => new Date() },
      {
        file,
        workspace: values.workspace,
        license: values.license,
        location: values.location,
        dryRun: values['dry-run'],
        blocked: values.blocked,
        createUnlicensed: values['create-unlicensed'],
        out: values.out,
      },
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
