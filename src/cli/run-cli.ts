import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { envSchema } from '../config/env.js';
import { defaultDatabaseUrl } from '../db/database-url.js';
import { folderAccessNote, type OpenDatabase } from '../db/open-database.js';
import type { Logger } from '../log.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { checkCommand } from './check-command.js';
import { JOBS_USAGE, jobsCommand } from './jobs-command.js';
import { setupCommand } from './setup-command.js';
import { IMPORT_CHANNEL_USAGE, importChannelCliCommand } from './import-channel-command.js';
import { importCommand, listInterruptedCommand, resumeCommand } from './import-command.js';
import { operatorActor } from './operator.js';
import { USERS_OPTIONS, USERS_USAGE, usersCommand } from './user-commands.js';
import { exportCommand, findCommand, listCommand } from './views-command.js';
import { LIFECYCLE_USAGE, lifecycleCommand } from './lifecycle-commands.js';

const USAGE = `Usage: npm run roster -- <command> [options]

Commands:
  import <file.csv> --workspace <Slack team id> [options]   verify, then add the users of a CSV
      --license <product>   part number or part of the name (e.g. O365_BUSINESS_ESSENTIALS, "business basic")
      --location <code>     usage location for every user (ISO code such as NL); required with --license
      --dry-run             verify and print the preview; write nothing (no Slack needed)
      --blocked             create the accounts with sign-in blocked
      --synced              the users are synchronized from on-premises AD (edited there; Roster changes licenses only)
      --create-unlicensed   with fewer seats than rows, create the rest without a license
      --out <file>          where to write the results CSV (default <file>-results.csv; never overwritten without --force)
      --force               replace an existing --out file
      --resume <job id>     go on with an interrupted import of this file (users made before get new passwords)
      --take-over           with --resume: an import someone else started (its results come to you; they are told by DM)
  import --list --workspace <Slack team id>                  list interrupted imports, with how to resume each
  check                                                      check that every product's seat count matches its assignments
  setup --workspace <Slack team id> --name <organization>    create the organization without Slack (to try Roster)
      --domain <name>       initial domain, <name>.onmicrosoft.com (default: from the name)
      --admin-name <name>   the first Global admin's display name (default: your account name)
      --admin-email <addr>  their alternate email address
      --slack-user <U…>     link them to this Slack member, so their roles apply in Slack
${USERS_USAGE}
  list [view] --workspace <id>                               every user of a view (default All users), by display name
  find <text> --workspace <id>                               users whose name, username or alias starts with the text
  export [view] --workspace <id> --out <file.csv>            a view as CSV (admin center columns; --force to replace the file)
${LIFECYCLE_USAGE}
${IMPORT_CHANNEL_USAGE}
${JOBS_USAGE}

Common options:
  --role <role>   act with this admin role instead of Global admin (global_admin, user_admin, license_admin, ...)

You act as the local account (recorded in the audit as cli:<name>). The database is DATABASE_URL
(default ${defaultDatabaseUrl}, in the project folder), as for npm start; ROSTER_IMPORT_MAX_ROWS and
ROSTER_IMPORT_MAX_BYTES limit imports as in Slack.`;

/** `users` sub-commands of the lifecycle (delete, restore, invite): the others (edit, block…) are in user-commands.ts. */
const isLifecycleUsersCommand = (sub: string | undefined) => ['delete', 'deleted', 'restore', 'invite'].includes(sub ?? '');

const limitsSchema = envSchema.pick({ ROSTER_IMPORT_MAX_ROWS: true, ROSTER_IMPORT_MAX_BYTES: true });

/** Where a CLI run reads and writes: the process's own streams and environment in `main.ts`, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** DATABASE_URL, ROSTER_IMPORT_MAX_ROWS, ROSTER_IMPORT_MAX_BYTES (and ROSTER_SECRET_KEY's absence: the key file is used). */
  env: Record<string, string | undefined>;
  /**
   * An open database to run on instead of opening DATABASE_URL (left open): a test running the CLI
   * in its own process next to a runtime on the same file, which two connections in one thread cannot share.
   */
  database?: OpenDatabase;
}

/** Runs one `npm run roster -- …` command line and returns its exit code (0 done, 1 refused or failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const usage = (problem: string, code = 2): number => {
    io.stderr.write(`${problem ? `${problem}\n\n` : ''}${USAGE}\n`);
    return code;
  };
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
        synced: { type: 'boolean', default: false },
        'create-unlicensed': { type: 'boolean', default: false },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        resume: { type: 'string' },
        'take-over': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        role: { type: 'string' },
        name: { type: 'string' },
        domain: { type: 'string' },
        'admin-name': { type: 'string' },
        'admin-email': { type: 'string' },
        'slack-user': { type: 'string' },
        alias: { type: 'string' },
        'apps-off': { type: 'string' },
        help: { type: 'boolean', default: false },
        ...USERS_OPTIONS,
      },
    });
  } catch (error) {
    return usage(`error: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help) return usage('', 0);
  const viewCommands = ['list', 'find', 'export'];
  const lifecycle = command === 'licenses' || command === 'purge' || (command === 'users' && isLifecycleUsersCommand(positionals[1]));
  if (!['import', 'check', 'setup', 'users', 'licenses', 'purge', 'import-channel', 'jobs', ...viewCommands].includes(command ?? ''))
    return usage(`error: unknown command ${command ?? '(none)'}`);
  if (command === 'setup' && (!values.workspace || !values.name)) return usage('error: setup needs --workspace <Slack team id> and --name <organization>');
  if ((viewCommands.includes(command!) || (command !== 'purge' && lifecycle)) && !values.workspace)
    return usage('error: --workspace <Slack team id> is required');
  if (command === 'export' && !values.out) return usage('error: --out <file.csv> is required');
  const limits = limitsSchema.safeParse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== '')));
  if (!limits.success) {
    io.stderr.write(`error: ${z.prettifyError(limits.error)}\n`);
    return 2;
  }
  if (command === 'users' && !values.workspace) return usage('error: --workspace <Slack team id> is required');
  if ((command === 'import-channel' || command === 'jobs') && !values.workspace) return usage('error: --workspace <Slack team id> is required');
  if (command === 'import') {
    if (!values.workspace) return usage('error: --workspace <Slack team id> is required');
    if (!values.list && !file) return usage('error: name the CSV file');
    if (file && !existsSync(file)) {
      io.stderr.write(`error: no file ${file}\n`);
      return 1;
    }
  }
  const who = operatorActor(values.workspace ?? '', values.role);
  if (!who.ok) return usage(`error: ${who.message}`);

  const runtime = await createRuntime({
    databaseUrl: io.env.DATABASE_URL || defaultDatabaseUrl,
    ...(io.database ? { database: io.database } : {}),
    // An import writes for minutes: its checkpoints go to a worker thread, as in the app.
    backgroundCheckpoints: command === 'import',
    // The CLI runs the jobs it makes itself (its own queue); the app's jobs are the app's.
    jobQueues: (instanceId) => [`cli:${instanceId}`],
    logger: cliLogger(io.stderr),
  });
  const ctx = runtime.core;
  const print = (line: string) => io.stdout.write(`${line}\n`);
  const progress = (line: string) => io.stderr.write(`${line}\n`);
  const { folderAccess } = runtime.database;
  const folderNote = folderAccessNote(folderAccess);
  if (folderNote && folderNote.level === 'info') progress(`note: ${folderNote.message} (${folderAccess!.folder} was ${folderNote.facts.was})`);
  try {
    if (command === 'check') return await checkCommand(ctx, print);
    if (command === 'jobs') return await jobsCommand(ctx, who.actor, positionals.slice(1), print);
    if (command === 'import-channel') return await importChannelCliCommand(ctx, who.actor, file, positionals[2], print);
    if (lifecycle) {
      const options = {
        dryRun: values['dry-run'],
        ...(values.alias ? { alias: values.alias } : {}),
        ...(values.name ? { name: values.name } : {}),
        ...(values['apps-off'] ? { appsOff: values['apps-off'] } : {}),
      };
      return (await lifecycleCommand(ctx, who.actor, positionals, options, print)) ?? usage(`error: unknown command ${positionals.slice(0, 2).join(' ')}`);
    }
    if (command === 'setup') {
      return await setupCommand(
        ctx,
        who.actor,
        { name: values.name!, domain: values.domain, adminName: values['admin-name'], adminEmail: values['admin-email'], slackUser: values['slack-user'] },
        print,
      );
    }
    if (command === 'users') return await usersCommand(ctx, runtime.jobs, who.actor, positionals.slice(1), values, print, progress);
    const rest = positionals.slice(1).join(' ');
    if (command === 'list') return await listCommand(ctx, who.actor, rest, print);
    if (command === 'find') return await findCommand(ctx, who.actor, rest, print);
    if (command === 'export') return await exportCommand(ctx, who.actor, rest, values.out!, values.force, print);
    if (values.list) return await listInterruptedCommand(ctx, who.actor, print);
    const options = {
      file: file!,
      license: values.license,
      location: values.location,
      dryRun: values['dry-run'],
      blocked: values.blocked,
      synced: values.synced,
      createUnlicensed: values['create-unlicensed'],
      out: values.out,
      force: values.force,
      limits: { maxRows: limits.data.ROSTER_IMPORT_MAX_ROWS, maxBytes: limits.data.ROSTER_IMPORT_MAX_BYTES },
      takeOver: values['take-over'],
      jobs: runtime.jobs,
    };
    if (values.resume) return await resumeCommand(ctx, who.actor, values.resume, options, print, progress);
    return await importCommand(ctx, who.actor, options, print, progress);
  } finally {
    await runtime.shutdown();
  }
}

/** At the command line, warnings and errors go to standard error as plain sentences; the rest is quiet. */
const cliLogger = (stderr: CliIo['stderr']): Logger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (message, facts) => stderr.write(`warning: ${message}${describeFacts(facts)}\n`),
  error: (message, facts) => stderr.write(`error: ${message}${describeFacts(facts)}\n`),
});

function describeFacts(facts: Record<string, unknown> | undefined): string {
  const parts = Object.entries(facts ?? {}).map(([key, value]) => `${key}: ${String(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
