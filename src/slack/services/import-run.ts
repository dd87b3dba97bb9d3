import { runImport, startImport, type ImportOutcome, type ImportProgress, type ImportSettings } from '../../core/bulk/index.js';
import { readStoredSettings } from '../../core/bulk/import-settings.js';
import { completeImport } from '../../core/bulk/import-run-end.js';
import { PermanentJobFailure } from '../../core/jobs/job-handler.js';
import type { MemberActor } from '../../core/context.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import type { Blocks } from '../slack-port.js';
import { importInterruptedMessage, importOutcomeMessage, importProgressMessage } from '../views/import-progress.js';
import { ImportFileProblem, withDownloadedFile } from './import-download.js';
import { findImportJob, interruptImport, recordImportMessage } from '../../core/bulk/import-job-records.js';
import { sendImportResults } from './import-results.js';
import { ProgressThrottle } from './progress-throttle.js';
import { textMessage } from '../views/kit.js';
import { slackErrorCode } from './slack-errors.js';

type Message = { text: string; blocks?: Blocks };

/**
 * The settings form's "Add N users", after its ack: the core moves the import to running (one
 * press wins) and queues its run, which the import job (slack/jobs/import-job.ts) runs.
 */
export async function startImportFromSlack(deps: ListenerDeps, actor: MemberActor, jobId: string, chosen: ImportSettings): Promise<void> {
  const started = await startImport(deps.core, actor, jobId, chosen, { queue: 'app' });
  if (!started.ok) await deps.slack.dm(actor.slackUserId, textMessage(started.message));
}

/**
 * Runs an import the core has moved to `running` (startImport or resumeImport), as its job's
 * runner: the preview message becomes the progress message (updated at most once per interval,
 * always with the final state), the file is downloaded again, and the results go by DM to the
 * requester and the recipients. `stopRequested` stops it between batches (a shutdown): it returns
 * `stopped` and the job goes on elsewhere.
 */
export async function runImportFromSlack(deps: ListenerDeps, jobId: string, options: { stopRequested?: () => boolean } = {}): Promise<'done' | 'stopped'> {
  const job = await findImportJob(deps.core, jobId);
  if (!job) throw new PermanentJobFailure(`import ${jobId} vanished`);
  const requesterId = job.requestedBy;
  const stored = readStoredSettings(job.settings);
  if (!stored.ok) throw new PermanentJobFailure(stored.message);
  const settings = stored.settings;
  let where = job.channelId && job.messageTs ? { channel: job.channelId, ts: job.messageTs } : null;
  const show = async (message: Message) => {
    if (where) await deps.slack.updateMessage(where.channel, where.ts, message);
    else {
      where = await deps.slack.dm(requesterId, message);
      await recordImportMessage(deps.core, jobId, where);
    }
  };
  const showQuietly = (message: Message) =>
    show(message).catch((error) => deps.logger.warn('import progress not shown', { job: jobId, ...describeError(error) }));

  const throttle = new ProgressThrottle<Message>(showQuietly, deps.imports.progressIntervalMs);
  const progress = (p: ImportProgress) => throttle.push(importProgressMessage(job.fileName, p));
  progress({ done: 0, total: job.rowsRead, created: 0 });
  deps.logger.info('import started', { team: job.tenantId, job: jobId, by: requesterId, rows: job.rowsRead });

  let outcome: ImportOutcome;
  const run = (path: string | null) =>
    runImport(deps.core, jobId, path, {
      limits: deps.imports.limits,
      onProgress: progress,
      deferCompletion: true,
      ...(options.stopRequested ? { stopRequested: options.stopRequested } : {}),
    });
  try {
    // Made in the Add several users form: its users are kept with the import, there is no file.
    if (settings.formRows) outcome = await run(null);
    else outcome = await withDownloadedFile(deps, await deps.slack.fileInfo(job.fileId), run);
  } catch (error) {
    const problem =
      error instanceof ImportFileProblem
        ? error.message
        : slackErrorCode(error) === 'file_not_found'
          ? `${job.fileName} is no longer in Slack (it was deleted). Cancel this import and upload the file again.`
          : null;
    // Another attempt may reach the file (Slack was down); one that cannot is no use retrying.
    if (!problem) throw error;
    // Nothing was read: the import goes back to interrupted, so Resume can try again.
    const interrupted = await interruptImport(deps.core, jobId);
    if (interrupted) await throttle.finish(importInterruptedMessage(interrupted));
    await deps.slack.dm(requesterId, textMessage(`:warning: The import of ${job.fileName} could not start: ${problem}`));
    return 'done';
  }
  if (outcome.status === 'stopped') {
    await throttle.finish(
      importProgressMessage(job.fileName, { done: outcome.rowsRead, total: job.rowsRead, created: outcome.created + outcome.createdWithoutLicense }),
    );
    deps.logger.info('import handed over at shutdown', { team: job.tenantId, job: jobId, done: outcome.rowsRead });
    return 'stopped';
  }
  if (outcome.status === 'interrupted') {
    // The file's reader stopped under the run: Resume goes on. The passwords of the users made so
    // far are not sent, since Resume issues them again (as after a restart).
    const stopped = await findImportJob(deps.core, jobId);
    if (stopped) await throttle.finish(importInterruptedMessage(stopped, outcome.failure));
    deps.logger.warn('import interrupted', { team: job.tenantId, job: jobId, done: outcome.rowsRead, reason: outcome.failure });
    return 'done';
  }
  const everyone = [requesterId, ...settings.recipients.filter((id) => id !== requesterId)];
  await throttle.finish(importOutcomeMessage(job.fileName, outcome, job.rowsRead, everyone));
  deps.logger.info('import finished', {
    team: job.tenantId,
    job: jobId,
    status: outcome.status,
    created: outcome.created,
    createdWithoutLicense: outcome.createdWithoutLicense,
    skipped: outcome.skipped,
    reissued: outcome.reissuedPasswords,
  });
  await sendImportResults(deps, job.fileName, outcome, requesterId, everyone);
  // Only now is the import over: had the results not reached anyone, its next run would have
  // given the users it made new passwords and sent those.
  if (outcome.status === 'completed') await completeImport(deps.core, job, outcome);
  return 'done';
}
