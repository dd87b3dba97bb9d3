import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { hasPermission } from '../roles.js';
import { licenseCounts } from '../licenses/list-licenses.js';
import { ImportFileChangedError, ImportReaderStoppedError, openImportFile } from '../import/open-import-file.js';
import type { ImportLimits } from '../import/types.js';
import { fail, ok, type Result } from '../result.js';
import { csvDocument } from './csv-out.js';
import { batched } from './batched.js';
import type { ImportPreview, PreviewProblem } from './import-types.js';
import { savePreviewJob } from '../../store/import-jobs.js';
import { loadImportTenant } from './import-tenant.js';
import { TenantRowChecks } from './tenant-row-checks.js';

export const PREVIEW_PROBLEMS = 10;

export interface VerifyImportInput {
  path: string;
  fileName: string;
  /** Slack file id, or null for a dry run that stores nothing. */
  fileId: string | null;
  channelId?: string;
  threadTs?: string;
  limits?: ImportLimits;
  /** Called when reading the file has to wait for a reader (every import worker is busy). */
  onWaiting?: () => void;
}

/**
 * Reads a CSV of new users and says, before anything is written, what importing it would do:
 * rows read, ready, with problems (each with its row, column and reason), usernames repeated in
 * the file or already taken, and the seats at hand. With a file id it records a previewed job.
 */
export async function verifyImport(ctx: CoreContext, actor: Actor, input: VerifyImportInput): Promise<Result<{ preview: ImportPreview }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenant = await loadImportTenant(ctx, auth.tenant);
  const opened = await openImportFile(input.path, input.limits, { organizationDomains: tenant.domains, onWaiting: input.onWaiting });
  if (!opened.ok) return fail(opened.code, `${input.fileName}: ${opened.message}`);
  const { file } = opened;
  const checks = new TenantRowChecks(ctx.db, tenant, file.columnLabels, { holdsPasswords: file.holdsPasswords, now: ctx.now() });

  let rowsRead = 0;
  let rowsReady = 0;
  let duplicatesInFile = 0;
  let existingUsernames = 0;
  let problemCount = 0;
  const firstProblems: PreviewProblem[] = [];
  const problemLines: string[][] = [];
  try {
    for await (const batch of batched(file.rows(), 500)) {
      for (const row of await checks.check(batch)) {
        rowsRead++;
        if (row.duplicateInFile) duplicatesInFile++;
        if (row.existing) existingUsernames++;
        if (row.problems.length === 0) {
          rowsReady++;
          continue;
        }
        for (const problem of row.problems) {
          problemCount++;
          if (firstProblems.length < PREVIEW_PROBLEMS) firstProblems.push({ rowNumber: row.rowNumber, ...problem });
          // In a file with passwords a shifted row can put a password in the username cell, and a
          // password can look like a username: such a file's rows are named by their number only.
          const userName = file.holdsPasswords ? '' : (row.fields.userName ?? '');
          problemLines.push([String(row.rowNumber), problem.column, userName, problem.message]);
        }
      }
    }
  } catch (error) {
    // Only the row stream throws these: its reader stopped (the file needed more memory than
    // Roster allows), or the file changed. Said of this file, never a generic failure.
    if (error instanceof ImportReaderStoppedError) return fail(error.outOfMemory ? 'limit_exceeded' : 'invalid_input', `${input.fileName}: ${error.message}`);
    if (error instanceof ImportFileChangedError) return fail('invalid_input', `${input.fileName}: ${error.message}`);
    throw error;
  }
  const counts = { rowsRead, rowsReady, rowsWithProblems: rowsRead - rowsReady };
  let jobId: string | null = null;
  if (input.fileId) {
    const job = await savePreviewJob(
      ctx.db,
      {
        tenantId: auth.tenant.id,
        requestedBy: auth.actorId,
        fileId: input.fileId,
        fileName: input.fileName,
        fileSha256: file.sha256,
        layout: file.layout,
        channelId: input.channelId ?? null,
        threadTs: input.threadTs ?? null,
        ...counts,
      },
      ctx.now(),
    );
    if (job.status !== 'previewed')
      return fail('conflict', `${input.fileName} was already imported from this upload (status: ${job.status}). Upload the file again to start over.`);
    jobId = job.id;
  }
  return ok({
    preview: {
      jobId,
      fileName: input.fileName,
      layout: file.layout,
      encoding: file.encoding,
      delimiter: file.delimiter,
      ...counts,
      duplicatesInFile,
      existingUsernames,
      seats: (await licenseCounts(ctx, auth.tenant.id)).map(({ product, total, available }) => ({ product, total, available })),
      mayBuyLicenses: auth.tenant.directory === 'embedded' && hasPermission(auth.roles, 'buy_licenses'),
      buyInAdminCenter: auth.tenant.directory !== 'embedded',
      firstProblems,
      problemCount,
      problemsCsv: problemLines.length ? await csvDocument(['Row', 'Column', 'User Name', 'Problem'], problemLines) : null,
      skippedExampleRow: file.skippedExampleRow ?? null,
    },
  });
}
