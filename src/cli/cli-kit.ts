import { readFileSync } from 'node:fs';
import type { CoreError } from '../core/result.js';

/** The exit codes a script sees (README, "At the command line"). */
export const EXIT = {
  /** Everything asked was done. */
  done: 0,
  /** Refused, or some rows or users refused (the summary says how many). */
  refused: 1,
  /** The command line itself is wrong: an unknown command or option, a missing argument. */
  usage: 2,
  /** The acting role may not do this. */
  forbidden: 3,
  /** Not done yet: the approval policy made it a request a second admin must approve (`roster approvals`). */
  pending: 4,
} as const;

export type Print = (line: string) => void;

/** The exit code for a core refusal: 3 when the role may not, 1 otherwise. */
export const exitFor = (error: Pick<CoreError, 'code'>): number =>
  error.code === 'forbidden' ? EXIT.forbidden : error.code === 'pending_approval' ? EXIT.pending : EXIT.refused;

/** Slack commands named in the core's sentences, and what runs the same at the command line. */
const TOP_LEVEL = new Set([
  'setup',
  'import',
  'import-channel',
  'jobs',
  'audit',
  'list',
  'find',
  'export',
  'views',
  'domains',
  'settings',
  'connect',
  'sync',
  'approvals',
  'policy',
]);

/**
 * A core sentence as the command line says it: `/users setup` becomes `roster setup`,
 * `/licenses buy SPB` becomes `roster licenses buy SPB`, and Slack-only advice is replaced.
 */
export function cliSentence(text: string): string {
  return text
    .replace('Check the spelling, or see everyone in the App Home.', 'Check the spelling, or look them up with `roster find <text>`.')
    .replace('Set it first (Edit user → Settings → Usage location).', 'Set it first: `roster users edit <username> --usage-location XX`.')
    .replace('Run this in a channel (public or private), not in a group DM.', 'Give a channel id (C… or G…), as Slack shows it in the channel details.')
    .replace(
      /Only a Slack workspace owner or admin \(or someone listed in ROSTER_BOOTSTRAP_ADMINS\) can set Roster up\. Ask one of them to run `\/users setup`\./,
      'Run `roster setup --workspace <T…> --name <organization>` first.',
    )
    .replace(
      /A workspace owner or admin can run `\/users setup` to create the organization\./,
      'Create it with `roster setup --workspace <T…> --name <organization>`.',
    )
    .replace(/\/(users|licenses)(?: ([a-z-]+))?/g, (_all, group: string, sub: string | undefined) => {
      if (group === 'users' && sub && TOP_LEVEL.has(sub)) return `roster ${sub}`;
      return `roster ${group}${sub ? ` ${sub}` : ''}`;
    });
}

/**
 * Writes a core refusal to standard error (its field problems under it, unless they only repeat it)
 * and returns its exit code.
 */
export function refuse(
  problem: Print,
  error: Pick<CoreError, 'code' | 'message' | 'fields' | 'requestId'>,
  flags: Record<string, string> = {},
  prefix = '',
): number {
  // Held by the approval policy: not an error, a request waiting (exit 4).
  if (error.code === 'pending_approval') {
    problem(`pending approval: request ${error.requestId ?? '?'}. ${cliSentence(error.message.replace(/^Pending approval: request \S+\. /, ''))}`);
    return EXIT.pending;
  }
  const message = `${prefix}${cliSentence(error.message)}`;
  const fields = (error.fields ?? []).map((f) => ({ name: flags[f.field] ?? f.field, text: cliSentence(f.message) }));
  // A message that is its one field's: said once, naming the field.
  const [only] = fields;
  if (fields.length === 1 && only && message.endsWith(only.text)) {
    problem(`error: ${only.name && !message.startsWith(`${only.name}:`) ? `${only.name}: ` : ''}${message}`);
    return exitFor(error);
  }
  problem(`error: ${message}`);
  for (const field of fields) if (field.text !== message) problem(`  ${field.name}: ${field.text}`);
  return exitFor(error);
}

/** A usage problem (exit 2): the command line is wrong, not the data. */
export function usageError(problem: Print, message: string, hint?: string): number {
  problem(`error: ${message}`);
  if (hint) problem(hint);
  return EXIT.usage;
}

/** A file the command reads; `-` is standard input. */
export const readInput = (file: string): string => readFileSync(file === '-' ? 0 : file, 'utf8');
