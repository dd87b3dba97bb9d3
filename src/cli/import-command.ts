import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { OperatorActor, CoreContext } from '../core/context.js';
import { findProduct } from '../core/catalogue/find-product.js';
import type { ImportLimits } from '../core/import/types.js';
import {
  importResultsCsv,
  importSummaryText,
  findImportJob,
  resumeImport,
  runImport,
  startImport,
  verifyImport,
  type ImportOutcome,
  type ImportPreview,
  type ImportSettings,
} from '../core/bulk/index.js';
import { turnAppsOff } from './apps-off.js';
import { cliSentence, EXIT, exitFor, refuse, type Print } from './cli-kit.js';
import { FileExistsError, writePrivateFile } from './private-file.js';
import { IMPORT_JOB, interruptOrphanedImports, takeImport } from '../core/bulk/import-job.js';
import { completeImport } from '../core/bulk/import-run-end.js';
import type { JobRunner } from '../core/jobs/job-runner.js';

export interface ImportCommandOptions {
  /** The file read. */
  file: string;
  /**
   * Read from standard input (`roster import -`): `file` is a private copy, and the results and
   * problems files default to `stdin-results.csv` and `stdin-problems.csv` here.
   */
  fromStdin?: boolean;
  /** `--license`, given several times or comma separated: the products every user gets. */
  licenses: string[];
  /** `--apps-off`: apps turned off in each product of --license that has them. */
  appsOff?: string;
  location?: string;
  dryRun: boolean;
  blocked: boolean;
  /** The users are synchronized from on-premises Active Directory. */
  synced?: boolean;
  createUnlicensed: boolean;
  out?: string;
  /** Where to write every problem (`-`: standard output); a dry run writes them nowhere else. */
  problems?: string;
  /** Standard output, for `--out -` and `--problems -` (the report then goes to standard error). */
  stdout?: (text: string) => void;
  force: boolean;
  limits: ImportLimits;
  /** `--take-over`: resume an import someone else started (their results come to you; they are told). */
  takeOver?: boolean;
  /** This process's job runner: the import runs as a job on its own queue. */
  jobs: JobRunner;
}

export type { Print } from './cli-kit.js';

/** `roster import <file>`: the same verification and report as in Slack, for admins who script. Returns the exit code. */
export async function importCommand(ctx: CoreContext, actor: OperatorActor, options: ImportCommandOptions, print: Print, progress: Print): Promise<number> {
  const fileName = path.basename(besides(options));
  const verified = await verifyImport(ctx, actor, {
    path: options.file,
    fileName,
    fileId: options.dryRun ? null : `cli:${randomUUID()}`,
    limits: options.limits,
  });
  if (!verified.ok) return refuse(progress, verified);
  const { preview } = verified;
  printPreview(preview, print);
  if (preview.problemsCsv) {
    // A dry run writes nothing unless --problems asks for the file.
    const problemsPath = options.problems ?? (options.dryRun ? null : siblingPath(besides(options), 'problems'));
    if (problemsPath === '-') options.stdout?.(preview.problemsCsv.toString());
    else if (problemsPath) {
      await writePrivateFile(problemsPath, preview.problemsCsv, { force: true });
      print(`All ${preview.problemCount} problems: ${problemsPath}`);
    } else print(`${preview.problemCount} problems; --problems <file.csv> writes them all.`);
  }
  if (options.dryRun) {
    print(`Dry run: nothing was written${options.problems && preview.problemsCsv ? ' but the problems file' : ''}.`);
    return preview.rowsWithProblems > 0 ? EXIT.refused : EXIT.done;
  }
  if (preview.rowsReady === 0) {
    progress('error: No row is ready to import; fix the problems above and run again.');
    return EXIT.refused;
  }
  const out = options.out ?? siblingPath(besides(options), 'results');
  const refusal = await outputRefusal(out, options.force);
  if (refusal) {
    progress(`error: --out: ${refusal}`);
    return EXIT.refused;
  }

  const runId = await startWithSettings(ctx, actor, preview, options, progress);
  if (typeof runId === 'number') {
    // Nothing ran: the reserved results file goes (it is empty).
    await discard(out);
    return 1;
  }
  print(`Import ${preview.jobId} started. If it is stopped, resume it with: ${resumeLine(options, preview.jobId!, actor.teamId)}`);
  return deliver(ctx, actor, preview.jobId!, runId, options, out, print, progress);
}

async function startWithSettings(
  ctx: CoreContext,
  actor: OperatorActor,
  preview: ImportPreview,
  options: ImportCommandOptions,
  problem: Print,
): Promise<string | number> {
  const licenses: ImportSettings['licenses'] = [];
  const owned = preview.seats.map((s) => s.product.skuId);
  for (const name of options.licenses
    .flatMap((value) => value.split(','))
    .map((n) => n.trim())
    .filter(Boolean)) {
    const match = findProduct(name, owned);
    if (!match.ok) return refuse(problem, { code: 'invalid_input', message: match.message }, {}, `--license ${name}: `);
    licenses.push({ skuId: match.product.skuId, disabledPlans: [] });
  }
  const appsOff = turnAppsOff(licenses, options.appsOff, '--license');
  if (!appsOff.ok) return refuse(problem, appsOff);
  const settings: ImportSettings = {
    signInAllowed: !options.blocked,
    usageLocation: options.location ?? null,
    licenses,
    whenSeatsRunOut: options.createUnlicensed ? 'create_unlicensed' : 'licensed_only',
    recipients: [],
    ...(options.synced ? { synced: true } : {}),
  };
  const started = await startImport(ctx, actor, preview.jobId!, settings, { queue: `cli:${ctx.instanceId}` });
  if (!started.ok) {
    const flags: Record<string, string> = { usageLocation: '--location', licenses: '--license' };
    for (const field of started.fields ?? [])
      problem(`error: ${flags[field.field] ?? (field.field.startsWith('apps:') ? '--apps-off' : field.field)}: ${cliSentence(field.message)}`);
    if (!started.fields?.length) return refuse(problem, started);
    return exitFor(started);
  }
  return started.runId;
}

/** `roster import <file> --resume <job>`: goes on with an interrupted import; users made before get new passwords. */
export async function resumeCommand(
  ctx: CoreContext,
  actor: OperatorActor,
  jobId: string,
  options: ImportCommandOptions,
  print: Print,
  progress: Print,
): Promise<number> {
  await interruptOrphanedImports(ctx);
  const out = options.out ?? siblingPath(besides(options), 'results');
  const refusal = await outputRefusal(out, options.force);
  if (refusal) {
    progress(`error: --out: ${refusal}`);
    return EXIT.refused;
  }
  const resumed = await resumeImport(ctx, actor, jobId, { confirmed: options.takeOver === true, queue: `cli:${ctx.instanceId}` });
  if (!resumed.ok) {
    await discard(out);
    return refuse(progress, {
      ...resumed,
      message: `${resumed.message}${resumed.code === 'needs_confirmation' ? ' Add --take-over to resume it anyway; they are told.' : ''}`,
    });
  }
  if (resumed.takenOver)
    print(
      `This import was started by ${resumed.startedBy}; its results now come to you${resumed.startedBy.startsWith('cli:') ? '' : ', and they are told by DM'}.`,
    );
  return deliver(ctx, actor, jobId, resumed.runId, options, out, print, progress);
}

/**
 * Runs the import's queued run here, as a job of this process, and writes the results file before
 * the import is marked completed (had this process died in between, its next run would give the
 * users new passwords and write those).
 */
async function deliver(
  ctx: CoreContext,
  actor: OperatorActor,
  jobId: string,
  runId: string,
  options: ImportCommandOptions,
  out: string,
  print: Print,
  progress: Print,
): Promise<number> {
  let last = 0;
  let ran: ImportOutcome | undefined;
  options.jobs.register({
    kind: IMPORT_JOB,
    async run(job) {
      if (!(await takeImport(ctx, jobId))) return { done: { ran: false } };
      ran = await runImport(ctx, jobId, options.file, {
        limits: options.limits,
        deferCompletion: true,
        stopRequested: () => job.stopRequested() !== null,
        onProgress: ({ done, total }) => {
          if (Date.now() - last < 1000 && done < total) return;
          last = Date.now();
          progress(`  ${done} / ${total} rows`);
        },
      });
      if (ran.status === 'stopped') return { stopped: job.stopRequested() ?? 'drain' };
      if (ran.status === 'completed' || ran.status === 'failed') {
        // The path was reserved (created empty, private) before the run; the results replace it
        // atomically (a failed run's too: the users it made before failing have passwords in it).
        const results = await importResultsCsv(ran);
        if (out === '-') options.stdout?.(results.toString());
        else await writePrivateFile(out, results, { force: true });
        const facts = await findImportJob(ctx, jobId);
        if (facts && ran.status === 'completed') await completeImport(ctx, facts, ran);
      }
      return { done: { status: ran.status } };
    },
  });
  const ended = await options.jobs.runNow(runId);
  const outcome = ran;
  if (!outcome) {
    await discard(out);
    progress(`error: the import did not run (${ended.status}${ended.error ? `: ${ended.error}` : ''}).`);
    return EXIT.refused;
  }
  if (outcome.status === 'interrupted' || outcome.status === 'stopped') {
    // The file's reader stopped under the run: no passwords to deliver yet (Resume issues those of
    // the users made so far again), so the reserved, empty results file goes, and --resume finds the path free.
    await discard(out);
    print(`Interrupted: ${outcome.failure} ${importSummaryText(outcome)} so far; those users get new temporary passwords when the import is resumed.`);
    print(`Resume it with: ${resumeLine(options, jobId, actor.teamId)}`);
    return 1;
  }
  print(`${outcome.status === 'completed' ? 'Done' : `Failed: ${outcome.failure}`}. ${importSummaryText(outcome)}.`);
  const what = outcome.passwordsOnPremises ? 'Results (synced users: password managed on premises, none made)' : 'Results with temporary passwords';
  print(out === '-' ? `${what}: on standard output.` : `${what} (readable only by you): ${out}`);
  if (outcome.status !== 'completed') return EXIT.refused;
  if (outcome.skipped > 0) {
    // Some rows refused: a script must be able to tell this from a full success.
    progress(`${outcome.skipped} of ${outcome.rowsRead} rows were not created (see ${out}).`);
    return EXIT.refused;
  }
  return EXIT.done;
}

/** Checked before any account is made, so that the passwords always have somewhere private to go. */
async function outputRefusal(out: string, force: boolean): Promise<string | null> {
  if (out === '-') return null;
  try {
    await writePrivateFile(out, '', { force });
    return null;
  } catch (error) {
    if (error instanceof FileExistsError) return error.message;
    return `cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function printPreview(preview: ImportPreview, print: Print): void {
  print(`${preview.fileName}: ${preview.layout}, ${preview.encoding}, separator ${JSON.stringify(preview.delimiter)}`);
  print(`  rows read            ${preview.rowsRead}`);
  print(`  ready                ${preview.rowsReady}`);
  print(`  with problems        ${preview.rowsWithProblems}`);
  print(`  repeated in the file ${preview.duplicatesInFile}`);
  print(`  already existing     ${preview.existingUsernames}`);
  for (const seat of preview.seats) {
    const short = preview.rowsReady - seat.available;
    const buy = short > 0 ? `; ${short} short (roster licenses buy ${seat.product.partNumber} ${short})` : '';
    print(`  seats: ${seat.product.displayName} (${seat.product.partNumber}) ${seat.available} of ${seat.total} available${buy}`);
  }
  if (preview.skippedExampleRow) print(`  ${preview.skippedExampleRow.reason}`);
  for (const problem of preview.firstProblems) print(`  row ${problem.rowNumber} · ${problem.column || 'row'}: ${problem.message}`);
}

/** The reserved results file goes (`-`, standard output, was never a file). */
async function discard(out: string): Promise<void> {
  if (out !== '-') await rm(out, { force: true });
}

/** Where the results and problems files go by default: beside the file, or here for standard input. */
const besides = (options: Pick<ImportCommandOptions, 'file' | 'fromStdin'>) => (options.fromStdin ? path.resolve('stdin.csv') : options.file);
/** The command that resumes an import, naming its file as the admin gave it. */
const resumeLine = (options: Pick<ImportCommandOptions, 'file' | 'fromStdin'>, jobId: string, team: string) =>
  `roster import ${options.fromStdin ? '-' : options.file} --resume ${jobId} --workspace ${team}${options.fromStdin ? ' (with the same CSV on standard input)' : ''}`;

function siblingPath(file: string, suffix: string): string {
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}-${suffix}.csv`);
}
