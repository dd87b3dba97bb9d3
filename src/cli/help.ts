import { defaultDatabaseUrl } from '../db/database-url.js';
import { COMMON_OPTIONS, type CommandSpec, type OptionSpec, optionsOf } from './command-tree.js';

const name = (spec: CommandSpec) => `roster ${spec.path.join(' ')}`;

const optionLine = (flag: string, o: OptionSpec) => {
  const left = `  --${flag}${o.value ? ` ${o.value}` : ''}`;
  return `${left.padEnd(30)} ${o.help}${o.multiple ? ' (may be repeated)' : ''}`;
};

const commandLine = (spec: CommandSpec) => {
  const left = `  ${spec.path.join(' ')}${spec.args ? ` ${spec.args}` : ''}`;
  return left.length > 44 ? `${left}\n${' '.repeat(46)}${spec.summary}` : `${left.padEnd(45)} ${spec.summary}`;
};

/** `roster <command> --help`: its usage, what it does, its own options and examples, and the commands under it (`licenses assign`). */
export function commandHelp(spec: CommandSpec, below: readonly CommandSpec[] = []): string {
  const own = Object.entries(optionsOf(spec)).filter(([flag]) => !(flag in COMMON_OPTIONS));
  return [
    `Usage: ${name(spec)}${spec.args ? ` ${spec.args}` : ''} [options]`,
    '',
    `${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}.`,
    ...(spec.details ? ['', spec.details] : []),
    ...(own.length ? ['', 'Options:', ...own.map(([flag, o]) => optionLine(flag, o))] : []),
    '',
    'Common options:',
    ...Object.entries(COMMON_OPTIONS).map(([flag, o]) => optionLine(flag, o)),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    ...(below.length ? ['', 'Commands under it:', ...below.map(commandLine)] : []),
    '',
  ].join('\n');
}

/** `roster users --help` (or `roster users`): the commands of a group. */
export function groupHelp(path: readonly string[], children: readonly CommandSpec[]): string {
  if (path.length === 0) return topHelp(children);
  return [
    `Usage: roster ${path.join(' ')} <command> [options]`,
    '',
    'Commands:',
    ...children.map(commandLine),
    '',
    `\`roster ${path.join(' ')} <command> --help\` says more about each.`,
    '',
  ].join('\n');
}

/** `roster --help`: every command, the exit codes and the output formats. */
export function topHelp(specs: readonly CommandSpec[]): string {
  return `Usage: roster <command> [options]     (from a checkout: npx roster, or npm run roster -- …)

Commands:
${specs.map(commandLine).join('\n')}

\`roster <command> --help\` shows a command's options and examples.

Common options:
${Object.entries(COMMON_OPTIONS)
  .map(([flag, o]) => optionLine(flag, o))
  .join('\n')}
  --output text|json|csv         on commands that show data: json is an array of objects, csv has a header

Exit codes: 0 all done; 1 refused, or some rows or users refused (the summary says how many);
2 usage error (unknown command or option, missing argument); 3 not permitted for the acting role;
4 held for a second admin's approval (roster approvals).

You act as the local account (recorded in the audit as cli:<name>), a Global admin unless --role says
otherwise. The database is DATABASE_URL (default ${defaultDatabaseUrl}, in the project folder, or a PostgreSQL
postgres://… URL); with one organization in it, --workspace is not needed. \`roster completion bash|zsh\` prints shell completion.
`;
}
