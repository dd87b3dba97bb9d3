import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { cancelImport, resumeImport } from '../../../core/bulk/index.js';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { afterAck } from '../../services/after-ack.js';
import { findImportJob } from '../../../core/bulk/import-job-records.js';
import { runImportFromSlack } from '../../services/import-run.js';
import { importSettingsModal } from '../../views/import-modals.js';
import { importCancelledMessage } from '../../views/import-progress.js';
import { esc, textMessage } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

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
export const chooseImportSettingsAction = (deps: ListenerDeps) => async ({ ack, body }: Args) => {
  await ack();
  const { actor, jobId } = parts(body);
  await afterAck(deps, actor.slackUserId, 'open the import settings', async () => {
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
  });
};

export const cancelImportAction = (deps: ListenerDeps) => async ({ ack, body }: Args) => {
  await ack();
  const { actor, jobId, channel, messageTs } = parts(body);
  await afterAck(deps, actor.slackUserId, 'cancel the import', async () => {
    const result = await cancelImport(deps.core, actor, jobId);
    if (!result.ok) {
      await tell(deps, channel, actor.slackUserId, result.message);
      return;
    }
    const { job } = result;
    deps.logger.info('import cancelled', { job: job.id, by: actor.slackUserId });
    if (channel && messageTs) await deps.slack.updateMessage(channel, messageTs, importCancelledMessage(job.fileName, actor.slackUserId, job.rowsCreated + job.rowsUnlicensed));
  });
};

/** Resume an interrupted import: the core reissues passwords of the rows made before. */
export const resumeImportAction = (deps: ListenerDeps) => async ({ ack, body }: Args) => {
  await ack();
  const { actor, jobId, channel } = parts(body);
  await afterAck(deps, actor.slackUserId, 'resume the import', async () => {
    const result = await resumeImport(deps.core, actor, jobId);
    if (!result.ok) {
      await tell(deps, channel, actor.slackUserId, result.message);
      return;
    }
    await runImportFromSlack(deps, jobId, actor.slackUserId, result.settings);
  });
};
