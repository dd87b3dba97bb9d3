import { checkFormImport, formField, startFormImport } from '../../../core/bulk/form-import.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseAddManyForm } from '../../parse/add-many-form.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { usersWord } from '../../views/import-preview.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const TITLE = 'Add several users';

/**
 * The Add several users form: checked as an import is (each problem on its row's field), then made
 * as one small import after the ack; its progress and results come by DM, as an import's do.
 */
export function addManyUsersSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Checking the users…', done: 'Adding the users: the progress and the results, with the temporary passwords, come by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = parseAddManyForm(state, view.private_metadata);
      const checked = await checkFormImport(deps.core, actor, input);
      const first = formField(1, 'username');
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: first, message: checked.message }], state, first)) };
      return {
        reply: showView(
          messageModal(
            TITLE,
            `Adding ${usersWord(checked.rows.length)}… The progress and the results, with the temporary passwords, come as a DM from Roster.`,
          ),
        ),
        after: change('add the users', async () => {
          // The view id names this submission: delivered twice, it adds the users once.
          const started = await startFormImport(deps.core, actor, input, { key: view.id, queue: 'app' });
          if (!started.ok) await deps.slack.updateView(view.id, messageModal(TITLE, esc(`Nothing was added: ${started.message}`)));
        }),
      };
    },
  };
}
