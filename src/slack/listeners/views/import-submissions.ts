import { checkImportStart } from '../../../core/bulk/index.js';
import { claimEvent, fileEventKey } from '../../../core/events/claim-event.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseImportSettingsForm, uploadedFile } from '../../parse/import-forms.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { isCsvFile } from '../../services/import-download.js';
import { previewUpload } from '../../services/import-preview.js';
import { startImportFromSlack } from '../../services/import-run.js';
import { UPLOAD_FIELD } from '../../views/import-modals.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const TITLE = 'Import users';

/**
 * `/users import` form: the picked file is verified and the preview sent as a DM. A DM, not the
 * channel the command came from: Roster may not be in that channel, the file was never shared there,
 * and a preview names people and problems that only admins should see.
 */
export function importUploadSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Verifying the file… The preview arrives as a DM from Roster in a moment.' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const file = uploadedFile(view.state.values);
      if (!file) return { reply: fieldErrors({ [UPLOAD_FIELD]: 'Choose a CSV file.' }) };
      if ((file.name || file.filetype) && !isCsvFile(file)) {
        return {
          reply: fieldErrors({ [UPLOAD_FIELD]: `${file.name ?? 'This file'} is not a CSV file. Save the sheet as "CSV UTF-8" in Excel and choose that file.` }),
        };
      }
      const name = file.name ?? 'the file';
      return {
        reply: showView(messageModal(TITLE, `Verifying *${esc(name)}*… The preview arrives as a DM from Roster in a moment.`)),
        after: change('verify the CSV file', async () => {
          // Claimed so that a file_shared event for the same upload does not preview it a second time.
          await claimEvent(deps.core, fileEventKey(actor.teamId, file.id));
          await previewUpload(deps, { actor, fileId: file.id, place: { dm: true }, explicit: true });
        }),
      };
    },
  };
}

/** The settings form: mistakes go back onto their fields; once checked, the modal closes and the run begins after the ack. */
export function importSettingsSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Checking the settings…', done: 'Adding the users: the progress shows on the preview, the results come by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const jobId = view.private_metadata;
      const state = new ViewState(view.state.values as ViewStateValues);
      const settings = parseImportSettingsForm(state);
      const checked = await checkImportStart(deps.core, actor, jobId, settings);
      if (!checked.ok) {
        return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'signInAllowed', message: checked.message }], state, 'signInAllowed')) };
      }
      return { after: change('add the users from the CSV', () => startImportFromSlack(deps, actor, jobId, settings)) };
    },
  };
}
