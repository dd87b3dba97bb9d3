import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { cancelImport, resumeImport } from '../../../core/bulk/index.js';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change, read } from '../../services/answer.js';
import type { ActionArgs, ViewListener } from '../../services/answering.js';
import { findImportJob } from '../../../core/bulk/import-job-records.js';
import { importSettingsModal, resumeTakeoverModal } from '../../views/import-modals.js';
import { importCancelledMessage } from '../../views/import-progress.js';
import { esc, textMessage } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

function parts(body: BlockAction<ButtonAction>) {
  return {
    actor: actorFromBody(body),
    jobId: body.actions[0]?.value ?? '',
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
  };
}

/** Only the member who pressed sees why it did not work. */
async function tell(deps: ListenerDeps, channel: string | undefined, userId: string, text: string): Promise<void> {
  if (channel) await deps.slack.postEphemeral(channel, userId, textMessage(text));
  else await deps.slack.dm(userId, textMessage(text));
}

/** "Choose settings and add N users": the settings form, for admins who may add users. */
export const chooseImportSettingsAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const { actor, jobId } = parts(body);
    return {
      after: read('open the import settings', async () => {
        const options = await addUserOptions(deps.core, actor);
        if (!options.ok) {
          await deps.slack.openView(body.trigger_id, messageModal('Import users', esc(options.message)));
          return;
        }
        const job = await findImportJob(deps.core, jobId, actor.teamId);
        if (!job) {
          await deps.slack.openView(body.trigger_id, messageModal('Import users', 'That import no longer exists. Upload the file again.'));
          return;
        }
        if (job.status !== 'previewed') {
          await deps.slack.openView(body.trigger_id, messageModal('Import users', `The import of ${esc(job.fileName)} is already ${job.status}.`));
          return;
        }
        await deps.slack.openView(body.trigger_id, importSettingsModal(job.id, job.fileName, job.rowsReady, options.options));
      }),
    };
  };

export const cancelImportAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const { actor, jobId, channel, messageTs } = parts(body);
    return {
      after: change('cancel the import', async () => {
        const result = await cancelImport(deps.core, actor, jobId);
        if (!result.ok) {
          await tell(deps, channel, actor.slackUserId, result.message);
          return;
        }
        const { job } = result;
        deps.logger.info('import cancelled', { job: job.id, by: actor.slackUserId });
        // Someone else's import: its starter hears of it.
        if (job.requestedBy !== actor.slackUserId && !job.requestedBy.startsWith('cli:')) {
          await deps.slack.dm(job.requestedBy, { text: `<@${actor.slackUserId}> cancelled your import of ${esc(job.fileName)}.` }).catch(() => undefined);
        }
        if (channel && messageTs)
          await deps.slack.updateMessage(channel, messageTs, importCancelledMessage(job.fileName, actor.slackUserId, job.rowsCreated + job.rowsUnlicensed));
      }),
    };
  };

/**
 * Resume an interrupted import: the core reissues passwords of the rows made before. An admin who
 * did not start it is asked first (the results come to them), and the starter is told.
 */
export const resumeImportAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const { actor, jobId, channel } = parts(body);
    return {
      after: change('resume the import', async () => {
        const result = await resumeImport(deps.core, actor, jobId);
        if (!result.ok && result.code === 'needs_confirmation') {
          const job = await findImportJob(deps.core, jobId, actor.teamId);
          if (job) await deps.slack.openView(body.trigger_id, resumeTakeoverModal(job, channel));
          return;
        }
        if (!result.ok) await tell(deps, channel, actor.slackUserId, result.message);
        // Otherwise its run is queued: the import job shows the progress and sends the results.
      }),
    };
  };

const takeoverMetadata = z.object({ jobId: z.string(), channel: z.string().nullable() });

/** "Resume" in the takeover question: resumes for this admin, tells the starter, runs. */
export const resumeTakeoverSubmission = (deps: ListenerDeps): ViewListener => ({
  look: { title: 'Resume the import', working: 'Resuming… the progress shows on the preview, the results come by DM.' },
  plan: ({ body, view }) => {
    const actor = actorFromBody(body);
    const metadata = takeoverMetadata.safeParse(safeJson(view.private_metadata));
    if (!metadata.success) return {};
    const { jobId, channel } = metadata.data;
    return {
      after: change('resume the import', async () => {
        const result = await resumeImport(deps.core, actor, jobId, { confirmed: true });
        if (!result.ok) {
          await tell(deps, channel ?? undefined, actor.slackUserId, result.message);
          return;
        }
        if (result.takenOver && !result.startedBy.startsWith('cli:')) {
          await deps.slack
            .dm(result.startedBy, {
              text: `<@${actor.slackUserId}> resumed your import of ${esc(result.job.fileName)}; its results, with the temporary passwords, go to them.`,
            })
            .catch(() => undefined);
        }
      }),
    };
  },
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
