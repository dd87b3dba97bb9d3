import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import type { CoreContext } from '../core/context.js';
import { findProduct } from '../core/catalogue/find-product.js';
import { verifyImport, startImport, runImport, importResultsCsv, importSummaryText, type ImportPreview, type ImportSettings } from '../core/bulk/index.js';

export interface ImportCommandOptions {
  file: string;
  workspace: string;
  license?: string;
  location?: string;
  dryRun: boolean;
  blocked: boolean;
  createUnlicensed: boolean;
  out?: string;
}

type Print = (line: string) => void;

/** `roster import`: the same verification and report as in Slack, for admins who script. Returns the exit code. */
export async function importCommand(ctx: CoreContext, options: ImportCommandOptions, print: Print, progress: Print): Promise<number> {
  const actor = { teamId: options.workspace, slackUserId: `cli:${userInfo().username}`, operator: true };
  const fileName = path.basename(options.file);
  const verified = await verifyImport(ctx, actor, { path: options.file, fileName, fileId: options.dryRun ? null : `cli:${randomUUID()}` });
  if (!verified.ok) {
    print(`error: ${verified.message}`);
    return 1;
  }
  const { preview } = verified;
  printPreview(preview, print);
  if (preview.problemsCsv) {
    const problemsPath = siblingPath(options.file, 'problems');
    await writeFile(problemsPath, preview.problemsCsv);
    print(`All ${preview.problemCount} problems: ${problemsPath}`);
  }
  if (options.dryRun) {
    print('Dry run: nothing was written.');
    return 0;
  }
  if (preview.rowsReady === 0) {
    print('No row is ready to import; fix the problems above and run again.');
    return 1;
  }

  let license: ImportSettings['license'] = null;
  if (options.license) {
    const match = findProduct(options.license, preview.seats.map((s) => s.product.skuId));
    if (!match.ok) {
      print(`error: --license: ${match.message}`);
      return 1;
    }
    license = { skuId: match.product.skuId, disabledPlans: [] };
  }
  const settings: ImportSettings = {
    signInAllowed: !options.blocked,
    usageLocation: options.location ?? null,
    license,
    whenSeatsRunOut: options.createUnlicensed ? 'create_unlicensed' : 'licensed_only',
    recipients: [],
  };
  const started = await startImport(ctx, actor, preview.jobId!, settings);
  if (!started.ok) {
    const flags: Record<string, string> = { usageLocation: '--location', license: '--license' };
    for (const problem of started.fields ?? [{ field: '', message: started.message }]) print(`error: ${flags[problem.field] ?? problem.field}: ${problem.message}`);
    return 1;
  }
  let last = 0;
  const outcome = await runImport(ctx, preview.jobId!, options.file, {
    onProgress: ({ done, total }) => {
      if (Date.now() - last < 1000 && done < total) return;
      last = Date.now();
      progress(`  ${done} / ${total} rows`);
    },
  });
  const out = options.out ?? siblingPath(options.file, 'results');
  await writeFile(out, importResultsCsv(outcome), { mode: 0o600 });
  print(`${outcome.status === 'completed' ? 'Done' : `Failed: ${outcome.failure}`}. ${importSummaryText(outcome)}.`);
  print(`Results with temporary passwords (readable only by you): ${out}`);
  return outcome.status === 'completed' ? 0 : 1;
}

function printPreview(preview: ImportPreview, print: Print): void {
  print(`${preview.fileName}: ${preview.layout}, ${preview.encoding}, separator ${JSON.stringify(preview.delimiter)}`);
  print(`  rows read            ${preview.rowsRead}`);
  print(`  ready                ${preview.rowsReady}`);
  print(`  with problems        ${preview.rowsWithProblems}`);
  print(`  repeated in the file ${preview.duplicatesInFile}`);
  print(`  already existing     ${preview.existingUsernames}`);
  for (const seat of preview.seats) print(`  seats: ${seat.product.displayName} (${seat.product.partNumber}) ${seat.available} of ${seat.total} available`);
  if (preview.skippedExampleRow) print(`  ${preview.skippedExampleRow.reason}`);
  for (const problem of preview.firstProblems) print(`  row ${problem.rowNumber} · ${problem.column || 'row'}: ${problem.message}`);
}

function siblingPath(file: string, suffix: string): string {
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}-${suffix}.csv`);
}
