import { verifyImport } from '../../core/bulk/index.js';
import { findImportJob } from '../../core/bulk/import-job-records.js';
import type { MemberActor } from '../../core/context.js';
import type { ListenerDeps } from '../deps.js';
import { importPreviewMessage } from '../views/import-preview.js';
import { withDownloadedFile } from './import-download.js';

/**
 * Brings a preview message up to date (after licenses were bought from it): the file is read and
 * checked again, as the organization may have changed, and the message is replaced in place; its
 * problems file is not sent again. Only a preview still waiting for its settings is touched.
 * Returns whether the message was updated.
 */
export async function refreshImportPreview(deps: ListenerDeps, actor: MemberActor, jobId: string): Promise<boolean> {
  const job = await findImportJob(deps.core, jobId, actor.teamId);
  if (job?.status !== 'previewed' || !job.channelId || !job.messageTs) return false;
  const file = await deps.slack.fileInfo(job.fileId);
  const verified = await withDownloadedFile(deps, file, (path) =>
    verifyImport(deps.core, actor, { path, fileName: file.name, fileId: file.id, limits: deps.imports.limits }),
  );
  // Nothing to show instead (the import was started meanwhile, the file changed): the message stays.
  if (!verified.ok || verified.preview.jobId !== job.id) return false;
  await deps.slack.updateMessage(job.channelId, job.messageTs, importPreviewMessage(verified.preview, job.requestedBy));
  return true;
}
