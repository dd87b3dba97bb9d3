import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importTemplate } from '../core/import/import-template.js';
import { EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { interruptedImports, interruptOrphanedImports } from '../core/bulk/index.js';
import { importCommand, resumeCommand } from './import-command.js';
import { RowWriter } from './output.js';

const text = (run: CommandRun, name: string) => (typeof run.values[name] === 'string' ? (run.values[name] as string) : undefined);

/** `roster import --list`: interrupted imports of the workspace, with how to resume each. */
async function listInterrupted(run: CommandRun): Promise<number> {
  await interruptOrphanedImports(run.ctx);
  const jobs = await interruptedImports(run.ctx, run.actor.teamId);
  const rows = new RowWriter(run.format, ['id', 'fileName', 'requestedBy', 'rowsDone', 'usersMade'], run.write, (r) =>
    [
      `${r.id}  ${r.fileName}  started by ${r.requestedBy}  ${r.rowsDone} rows done, ${r.usersMade} users made`,
      `  resume: roster import <path to ${r.fileName}> --resume ${r.id} --workspace ${run.actor.teamId}`,
    ].join('\n'),
  );
  rows.rows(
    jobs.map((job) => ({
      id: job.id,
      fileName: job.fileName,
      requestedBy: job.requestedBy,
      rowsDone: job.rowsDone,
      usersMade: job.rowsCreated + job.rowsUnlicensed,
    })),
  );
  if (rows.end() === 0 && run.format === 'text') run.print('No interrupted imports.');
  return 0;
}

/** `import --template`: the sample CSV, to --out (never over a file without --force) or standard output. */
async function writeTemplate(run: CommandRun): Promise<number> {
  const template = await importTemplate(run.ctx, run.actor);
  if (!template.ok) return refuse(run.problem, template);
  const out = typeof run.values.out === 'string' ? run.values.out : '-';
  if (out === '-') {
    run.write(template.bytes.toString('utf8'));
    return EXIT.done;
  }
  try {
    writeFileSync(out, template.bytes, { flag: run.values.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return usageError(run.problem, `${out} exists; add --force to replace it`);
    throw error;
  }
  run.print(`Wrote the sample CSV to ${out}: one user per row under the header, then roster import ${out}.`);
  return EXIT.done;
}

async function importRun(run: CommandRun): Promise<number> {
  const { values } = run;
  if (values.list) return listInterrupted(run);
  if (values.template) return writeTemplate(run);
  const file = run.args[0];
  if (!file) return usageError(run.problem, 'name the CSV file: roster import <file.csv>', 'See `roster import --help`.');
  if (file === '-') return fromStdin(run, (copy) => importFile(run, copy, true));
  if (!existsSync(file)) {
    run.problem(`error: no file ${file}`);
    return 1;
  }
  return importFile(run, file, false);
}

/**
 * `roster import -`: the CSV on standard input, copied into a private temporary file (a file is read
 * twice, to check it and to import it), removed afterwards.
 */
async function fromStdin(run: CommandRun, work: (copy: string) => Promise<number>): Promise<number> {
  const folder = mkdtempSync(path.join(tmpdir(), 'roster-stdin-'));
  try {
    const copy = path.join(folder, 'stdin.csv');
    writeFileSync(copy, run.stdin(), { mode: 0o600, flag: 'wx' });
    return await work(copy);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function importFile(run: CommandRun, file: string, stdin: boolean): Promise<number> {
  const { values } = run;
  const options = {
    file,
    fromStdin: stdin,
    licenses: (values.license as string[] | undefined) ?? [],
    appsOff: text(run, 'apps-off'),
    location: text(run, 'location'),
    dryRun: values['dry-run'] === true,
    blocked: values.blocked === true,
    synced: values.synced === true,
    createUnlicensed: values['create-unlicensed'] === true,
    out: text(run, 'out'),
    problems: text(run, 'problems'),
    force: values.force === true,
    limits: run.limits,
    takeOver: values['take-over'] === true,
    jobs: run.jobs,
  };
  // With data on standard output (`-`), the report goes to standard error.
  const print = options.out === '-' || options.problems === '-' ? run.problem : run.print;
  const resume = text(run, 'resume');
  if (resume) return resumeCommand(run.ctx, run.actor, resume, { ...options, stdout: run.write }, print, run.problem);
  return importCommand(run.ctx, run.actor, { ...options, stdout: run.write }, print, run.problem);
}

export const IMPORT_COMMAND: CommandSpec = {
  path: ['import'],
  summary: 'verify, then add the users of a CSV (the admin center template, or Entra bulk-create)',
  args: '<file.csv | ->',
  positionals: { min: 0, max: 1 },
  details: [
    'Exits 1 when any row was not created (the summary says how many). The results, with the temporary',
    'passwords, go to a file readable only by you. ROSTER_IMPORT_MAX_ROWS and ROSTER_IMPORT_MAX_BYTES apply as in Slack.',
    '- reads the CSV from standard input (results and problems then default to stdin-results.csv and',
    "stdin-problems.csv here). This is also how to add a few users at once, as Slack's /users add-many form does.",
  ].join('\n'),
  options: {
    license: {
      type: 'string',
      multiple: true,
      value: '<product>',
      help: 'a product every user gets: part number or part of the name (O365_BUSINESS_ESSENTIALS, "business basic"); repeat it, or separate with commas, for several',
    },
    'apps-off': {
      type: 'string',
      value: '<app,...>',
      help: 'apps to turn off in the products of --license (service plan names such as TEAMS1, or ids; each in every product that has it)',
    },
    location: { type: 'string', value: '<XX>', help: 'usage location for every user (ISO code such as NL); required with --license' },
    blocked: { type: 'boolean', help: 'create the accounts with sign-in blocked' },
    synced: { type: 'boolean', help: 'the users are synchronized from on-premises AD (edited there; Roster changes licenses only)' },
    'create-unlicensed': { type: 'boolean', help: 'with fewer seats than rows, create the rest without a license' },
    out: {
      type: 'string',
      value: '<file.csv|->',
      help: 'the results CSV, with the passwords (default <file>-results.csv; never overwritten without --force; - for standard output)',
    },
    problems: {
      type: 'string',
      value: '<file.csv|->',
      help: 'write every problem here (- for standard output); by default <file>-problems.csv, none on a dry run',
    },
    force: { type: 'boolean', help: 'replace an existing --out file' },
    resume: { type: 'string', value: '<job id>', help: 'go on with an interrupted import of this file (users made before get new passwords)' },
    'take-over': { type: 'boolean', help: 'with --resume: an import someone else started (its results come to you; they are told by DM)' },
    list: { type: 'boolean', help: 'list interrupted imports, with how to resume each (--output applies to this list)' },
    template: { type: 'boolean', help: 'write the sample CSV (the admin center template with one example row) to --out, or standard output' },
  },
  dryRun: true,
  output: true,
  longWrites: true,
  examples: [
    'roster import new-hires.csv --dry-run',
    'roster import new-hires.csv --license "business basic" --location NL',
    'roster import new-hires.csv --license O365_BUSINESS_PREMIUM --license MCOEV --apps-off SWAY --location NL --create-unlicensed',
    'roster import --list',
    'roster import - --license "business basic" --location NL < new-hires.csv',
    'roster import --template --out new-hires.csv',
    'roster import new-hires.csv --resume <job id>',
  ],
  run: importRun,
};
