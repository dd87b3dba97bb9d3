import { parseArgs } from 'node:util';
import type { CoreContext, OperatorActor } from '../core/context.js';
import type { ImportLimits } from '../core/import/types.js';
import type { JobRunner } from '../core/jobs/job-runner.js';
import type { Print } from './cli-kit.js';
import type { OutputFormat } from './output.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in help (`<file>`). */
  value?: string;
  help: string;
}

/** What a command's `run` gets: its words after the command's own, its options, the core and where to write. */
export interface CommandRun {
  args: string[];
  values: Values;
  ctx: CoreContext;
  actor: OperatorActor;
  jobs: JobRunner;
  /** The key that seals secrets at rest (ROSTER_SECRET_KEY, ROSTER_SECRET_KEY_FILE or the key file beside the database), the app's. */
  secretKey: () => Buffer;
  limits: ImportLimits;
  format: OutputFormat;
  /** A line to standard output. */
  print: Print;
  /** A line to standard error (errors, progress, and summaries beside json or csv). */
  problem: Print;
  /** Raw text to standard output (file contents, json, csv). */
  write: (text: string) => void;
  /** Standard input's bytes, read when asked. */
  stdin: () => Buffer;
}

export interface CommandSpec {
  /** The words that name it: `['users', 'add']`. */
  path: string[];
  /** One line, in the lists of commands. */
  summary: string;
  /** What follows the path in the usage line: `<username> [options]`. */
  args: string;
  /** How many words after the path it takes (`max` Infinity for a list, such as usernames). */
  positionals: { min: number; max: number };
  options?: Record<string, OptionSpec>;
  /** More to say under the usage line. */
  details?: string;
  examples: string[];
  /** It shows data: `--output text|json|csv` applies. */
  output?: boolean;
  /** Options it cannot run without (`export --out`). */
  required?: string[];
  /** It changes something: `--dry-run` applies. */
  dryRun?: boolean;
  /** It needs no organization (`check`, `purge`, `completion`): no `--workspace` is looked up. */
  noWorkspace?: boolean;
  /** It needs no database at all (`completion`). */
  noRuntime?: (run: Pick<CommandRun, 'args' | 'print' | 'problem'>) => number;
  /** It works on the database itself, before any runtime (`migrate`, `copy-database`): given DATABASE_URL and its options, it opens and closes what it needs. */
  migrate?: (run: { databaseUrl: string; values: Values; env: Record<string, string | undefined> } & Pick<CommandRun, 'print' | 'problem'>) => Promise<number>;
  /** It opens the database with background checkpoints (a long import). */
  longWrites?: boolean;
  run?: (run: CommandRun) => Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  workspace: { type: 'string', value: '<T…>', help: 'the Slack team id of the organization (not needed when the database holds one)' },
  role: { type: 'string', value: '<role>', help: 'act with this admin role instead of Global admin (user_admin, license_admin, helpdesk_admin, …)' },
  help: { type: 'boolean', help: 'show this help' },
};
export const OUTPUT_OPTION: OptionSpec = { type: 'string', value: 'text|json|csv', help: 'text (default), json (an array of objects) or csv (with a header)' };
export const DRY_RUN_OPTION: OptionSpec = { type: 'boolean', help: 'check and do everything, then roll back: nothing is written' };

export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return {
    ...(spec.options ?? {}),
    ...(spec.output ? { output: OUTPUT_OPTION } : {}),
    ...(spec.dryRun ? { 'dry-run': DRY_RUN_OPTION } : {}),
    ...COMMON_OPTIONS,
  };
}

const toParseArgs = (options: Record<string, OptionSpec>) =>
  Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));

/** Splits the words into positionals without knowing the command yet (every command's options, so a value is never taken for a word). */
export function looseWords(argv: string[], specs: readonly CommandSpec[]): string[] {
  const all: Record<string, OptionSpec> = {};
  for (const spec of specs) Object.assign(all, optionsOf(spec));
  const { positionals } = parseArgs({ args: argv, options: toParseArgs(all), strict: false, allowPositionals: true });
  return positionals;
}

export type Resolved =
  | { kind: 'command'; spec: CommandSpec; args: string[] }
  | { kind: 'group'; path: string[]; children: CommandSpec[] }
  | { kind: 'unknown'; path: string[]; word: string; choices: string[] };

/** The command the words name: the longest path that matches; a group's name alone lists its commands. */
export function resolve(words: readonly string[], specs: readonly CommandSpec[]): Resolved {
  const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((w, i) => path[i] === w);
  const best = specs.filter((s) => s.path.length <= words.length && startsWith(words, s.path)).sort((a, b) => b.path.length - a.path.length)[0];
  let prefix: string[] = best ? [...best.path] : [];
  // Words that name a group below the command (or below the top) lead there.
  for (;;) {
    const next = words[prefix.length];
    const below = specs.filter((s) => s.path.length > prefix.length && startsWith(s.path, prefix));
    const choices = [...new Set(below.map((s) => s.path[prefix.length]!))];
    if (next !== undefined && choices.includes(next)) {
      prefix = [...prefix, next];
      continue;
    }
    const exact = specs.find((s) => s.path.length === prefix.length && startsWith(s.path, prefix));
    if (exact) {
      const args = words.slice(prefix.length);
      if (args.length === 0 || exact.positionals.max > 0 || choices.length === 0) return { kind: 'command', spec: exact, args };
      return { kind: 'unknown', path: prefix, word: args[0]!, choices };
    }
    if (next === undefined) return { kind: 'group', path: prefix, children: below };
    return { kind: 'unknown', path: prefix, word: next, choices };
  }
}

/** The closest of `choices` to `word` (a typo, or the start of one), for "did you mean". */
export function closest(word: string, choices: readonly string[]): string | undefined {
  let best: { choice: string; distance: number } | undefined;
  for (const choice of choices) {
    const distance = choice.startsWith(word) && word.length >= 2 ? 1 : editDistance(word, choice);
    if (!best || distance < best.distance) best = { choice, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.choice : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Parses the command's own options strictly: an option it does not take is a usage error naming the closest one. */
export function parseOptions(argv: string[], spec: CommandSpec): { ok: true; values: Values; positionals: string[] } | { ok: false; message: string } {
  const options = optionsOf(spec);
  try {
    const { values, positionals } = parseArgs({ args: argv, options: toParseArgs(options), strict: true, allowPositionals: true });
    return { ok: true, values: values as Values, positionals };
  } catch (error) {
    const unknown = /Unknown option '(--?[^']+)'/.exec((error as Error).message)?.[1];
    if (unknown) {
      const near = closest(unknown.replace(/^--?/, ''), Object.keys(options));
      return { ok: false, message: `${spec.path.join(' ')} has no option ${unknown}${near ? `; did you mean --${near}?` : ''}` };
    }
    return { ok: false, message: (error as Error).message.split('\n')[0]!.replace(/ To specify a positional.*$/, '') };
  }
}
