import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { startImport } from '../../../core/bulk/index.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseImportSettingsForm, uploadedFile } from '../../parse/import-forms.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { afterAck } from '../../services/after-ack.js';
import { isCsvFile } from '../../services/import-download.js';
import { previewUpload } from '../../services/import-preview.js';
import { runImportFromSlack } from '../../services/import-run.js';
import { claimEvent, fileEventKey } from '../../../core/events/claim-event.js';
import { UPLOAD_FIELD } from '../../views/import-modals.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const actorOf = (body: Args['body']) => actorFromBody(body);

/**
 * `/users import` form: the picked file is verified and the preview sent as a DM. A DM, not the
 * channel the command came from: Roster may not be in that channel, the file was never shared there,
 * and a preview names people and problems that only admins should see.
 */
export function importUploadSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorOf(body);
    const file = uploadedFile(view.state.values);
    if (!file) {
      await ack({ response_action: 'errors', errors: { [UPLOAD_FIELD]: 'Choose a CSV file.' } });
      return;
    }
    if ((file.name || file.filetype) && !isCsvFile(file)) {
      await ack({
        response_action: 'errors',
        errors: { [UPLOAD_FIELD]: `${file.name ?? 'This file'} is not a CSV file. Save the sheet as "CSV UTF-8" in Excel and choose that file.` },
      });
      return;
    }
    const name = file.name ?? 'the file';
    await ack({
      response_action: 'update',
      view: messageModal('Import users', `Verifying *${esc(name)}*… The preview arrives as a DM from Roster in a moment.`),
    });
    await afterAck(deps, actor.slackUserId, 'verify the CSV file', async () => {
      // Claimed so that a file_shared event for the same upload does not preview it a second time.
      await claimEvent(deps.core, fileEventKey(actor.teamId, file.id));
      await previewUpload(deps, { actor, fileId: file.id, place: { dm: true }, explicit: true });
    });
  };
}

/** The settings form: mistakes go back onto their fields; once started, the modal closes and the run begins. */
export function importSettingsSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorOf(body);
    const jobId = view.private_metadata;
    const state = new ViewState(view.state.values as ViewStateValues);
    const result = await startImport(deps.core, actor, jobId, parseImportSettingsForm(state));
    if (!result.ok) {
      await ack({
        response_action: 'errors',
        errors: viewErrors(result.fields ?? [{ field: 'signInAllowed', message: result.message }], state, 'signInAllowed'),
      });
      return;
    }
    await ack();
    await afterAck(deps, actor.slackUserId, 'add the users from the CSV', () => runImportFromSlack(deps, jobId, actor.slackUserId, result.settings));
  };
}
