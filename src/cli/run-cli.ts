import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envSchema, secretKeyFromEnv } from '../config/env.js';
import { graphEndpoints } from '../graph/endpoints.js';
import { onlyOrganizationTeam } from '../core/tenant/organization-teams.js';
import { defaultDatabaseUrl } from '../db/database-url.js';
import { folderAccessNote, type OpenDatabase } from '../db/open-database.js';
import type { Logger } from '../log.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { EXIT, usageError } from './cli-kit.js';
import { closest, looseWords, parseOptions, resolve, type CommandSpec } from './command-tree.js';
import { COMMANDS } from './commands.js';
import { completionCommand } from './completion.js';
import { commandHelp, groupHelp } from './help.js';
import { operatorActor } from './operator.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output.js';

const limitsSchema = envSchema.pick({ ROSTER_IMPORT_MAX_ROWS: true, ROSTER_IMPORT_MAX_BYTES: true, MICROSOFT_GRAPH_URL: true, MICROSOFT_LOGIN_URL: true });

/** Where a CLI run reads and writes: the process's own streams and environment in `main.ts`, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /**
   * DATABASE_URL, ROSTER_IMPORT_MAX_ROWS, ROSTER_IMPORT_MAX_BYTES, MICROSOFT_GRAPH_URL,
   * MICROSOFT_LOGIN_URL and ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE (neither: the key file
   * beside the database), as the app reads them: a connection's secret sealed here opens there.
   */
  env: Record<string, string | undefined>;
  /**
   * An open database to run on instead of opening DATABASE_URL (left open): a test running the CLI
   * in its own process next to a runtime on the same file, which two connections in one thread cannot share.
   */
  database?: OpenDatabase;
  /** Standard input's bytes (`roster import -`): tests give them; by default the process's own, read when asked. */
  stdin?: () => Buffer;
}

const seeHelp = (path: readonly string[]) => `See \`roster ${[...path, '--help'].join(' ')}\`.`;

/**
 * Runs one `roster …` command line and returns its exit code: 0 all done, 1 refused (or some rows
 * or users refused), 2 usage error, 3 not permitted (README, "At the command line").
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const print = (line: string) => io.stdout.write(`${line}\n`);
  const problem = (line: string) => io.stderr.write(`${line}\n`);
  const write = (text: string) => io.stdout.write(text);
  let words = looseWords(argv, COMMANDS);
  let help = argv.includes('--help') || argv.includes('-h');
  if (words[0] === 'help') {
    words = words.slice(1);
    help = true;
  }
  const resolved = resolve(words, COMMANDS);
  if (resolved.kind === 'unknown') {
    const near = closest(resolved.word, resolved.choices);
    const where = ['roster', ...resolved.path].join(' ');
    return usageError(problem, `unknown command ${where} ${resolved.word}${near ? `; did you mean ${where} ${near}?` : ''}`, seeHelp(resolved.path));
  }
  if (resolved.kind === 'group') {
    const text = groupHelp(resolved.path, resolved.path.length === 0 ? COMMANDS : resolved.children);
    if (help) {
      write(text);
      return EXIT.done;
    }
    problem(resolved.path.length === 0 ? 'error: name a command' : `error: roster ${resolved.path.join(' ')} needs a command`);
    io.stderr.write(`\n${text}`);
    return EXIT.usage;
  }
  const { spec } = resolved;
  if (help) {
    const below = COMMANDS.filter((s) => s.path.length > spec.path.length && spec.path.every((w, i) => s.path[i] === w));
    write(commandHelp(spec, below));
    return EXIT.done;
  }
  const parsed = parseOptions(argv, spec);
  if (!parsed.ok) return usageError(problem, parsed.message, seeHelp(spec.path));
  const { values } = parsed;
  const args = parsed.positionals.slice(spec.path.length);
  const usageLine = `Usage: roster ${spec.path.join(' ')}${spec.args ? ` ${spec.args}` : ''}. ${seeHelp(spec.path)}`;
  if (args.length < spec.positionals.min) return usageError(problem, `roster ${spec.path.join(' ')} needs ${spec.args}`, usageLine);
  if (args.length > spec.positionals.max)
    return usageError(
      problem,
      `roster ${spec.path.join(' ')} takes ${spec.positionals.max === 0 ? 'no arguments' : `at most ${spec.positionals.max}`}, not "${args.join(' ')}" (quote a name with spaces)`,
      usageLine,
    );
  const missing = (spec.required ?? []).filter((name) => values[name] === undefined);
  if (missing.length) return usageError(problem, `roster ${spec.path.join(' ')} needs ${missing.map((m) => `--${m}`).join(' and ')}`, usageLine);
  const format = (values.output ?? 'text') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) return usageError(problem, `--output is text, json or csv, not "${String(values.output)}"`);
  if (spec.noRuntime) return completionCommand(args[0]!, COMMANDS, write, problem);
  if (spec.migrate) return spec.migrate({ databaseUrl: io.env.DATABASE_URL || defaultDatabaseUrl, values, env: io.env, print, problem });
  const limits = limitsSchema.safeParse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== '')));
  if (!limits.success) return usageError(problem, z.prettifyError(limits.error));
  const secretKey = secretKeyFromEnv(io.env);
  if (!secretKey.ok) return usageError(problem, secretKey.message);
  const role = typeof values.role === 'string' ? values.role : undefined;
  const roleCheck = operatorActor('', role);
  if (!roleCheck.ok) return usageError(problem, roleCheck.message);

  const runtime = await createRuntime({
    databaseUrl: io.env.DATABASE_URL || defaultDatabaseUrl,
    ...(io.database ? { database: io.database } : {}),
    // An import writes for minutes: its checkpoints go to a worker thread, as in the app.
    backgroundCheckpoints: spec.longWrites === true,
    // The CLI runs the jobs it makes itself (its own queue); the app's jobs are the app's.
    jobQueues: (instanceId) => [`cli:${instanceId}`],
    logger: cliLogger(io.stderr),
    ...(secretKey.key ? { secretKey: secretKey.key } : {}),
    graph: { endpoints: graphEndpoints(limits.data.MICROSOFT_GRAPH_URL, limits.data.MICROSOFT_LOGIN_URL) },
  });
  try {
    const { folderAccess } = runtime.database;
    const folderNote = folderAccessNote(folderAccess);
    if (folderNote && folderNote.level === 'info') problem(`note: ${folderNote.message} (${folderAccess!.folder} was ${folderNote.facts.was})`);
    const workspace = typeof values.workspace === 'string' ? values.workspace : await defaultWorkspace(runtime.core, spec, problem);
    if (typeof workspace === 'number') return workspace;
    const who = operatorActor(workspace, role);
    if (!who.ok) return usageError(problem, who.message);
    return await spec.run!({
      args,
      values,
      ctx: runtime.core,
      actor: who.actor,
      jobs: runtime.jobs,
      secretKey: () => runtime.secretKey(),
      limits: { maxRows: limits.data.ROSTER_IMPORT_MAX_ROWS, maxBytes: limits.data.ROSTER_IMPORT_MAX_BYTES },
      format,
      print,
      problem,
      write,
      stdin: io.stdin ?? (() => readFileSync(0)),
    });
  } finally {
    await runtime.shutdown();
  }
}

/** Without --workspace: the one organization's, or a usage error saying which to choose. */
async function defaultWorkspace(ctx: Parameters<typeof onlyOrganizationTeam>[0], spec: CommandSpec, problem: (line: string) => void): Promise<string | number> {
  if (spec.noWorkspace) return '';
  if (spec.required?.includes('workspace')) return usageError(problem, `roster ${spec.path.join(' ')} needs --workspace <T…>`);
  const { team, teams } = await onlyOrganizationTeam(ctx);
  if (team) return team;
  if (teams.length === 0) {
    problem('error: There is no organization yet. Create one with `roster setup --workspace <T…> --name <organization>`.');
    return EXIT.refused;
  }
  return usageError(problem, `--workspace <T…> is needed: the database holds several organizations (${teams.join(', ')}${teams.length >= 10 ? ', …' : ''})`);
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
