import type { BlockAction } from '@slack/bolt';
import { editManyFormOptions } from '../../../core/users/edit-many-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { preselectedUsers } from '../../parse/user-change-forms.js';
import { ViewState, type ViewStateValues } from '../../parse/view-state.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { editManyModal } from '../../views/edit-many-modal.js';
import { CALLBACK } from '../../views/ids.js';
import { addUserFormChanged } from './add-user-form-actions.js';
import { importLicensesChanged } from './import-actions.js';

/**
 * Products chosen in a form's `licenses` picker (one registration serves every form that has it):
 * the form is rebuilt with an "Apps to turn off" picker for each chosen product. Add user and the
 * import settings have their own rebuilds (add-user-form-actions.ts, import-actions.ts); Edit many
 * is rebuilt here.
 */
export const productsChosen = (deps: ListenerDeps) => {
  const byForm: Record<string, (args: ActionArgs<BlockAction>) => ReturnType<ReturnType<typeof addUserFormChanged>>> = {
    [CALLBACK.editMany]: editManyProductsChosen(deps),
    [CALLBACK.importSettings]: importLicensesChanged(deps),
  };
  const addUser = addUserFormChanged(deps);
  return (args: ActionArgs<BlockAction>) => (byForm[args.body.view?.callback_id ?? ''] ?? addUser)(args);
};

/** Edit many: Slack keeps what was typed in every input whose block id stays the same, the selection carried in private_metadata too. */
const editManyProductsChosen =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction>) => {
    const view = body.view;
    if (!view) return {};
    const actor = actorFromBody(body);
    const chosen = new ViewState((view.state?.values ?? {}) as ViewStateValues).selectedMany('licenses');
    return {
      after: read('update the Edit users form', async () => {
        const options = await editManyFormOptions(deps.core, actor);
        if (!options.ok) return;
        try {
          await deps.slack.updateView(view.id, editManyModal(options.licenses, preselectedUsers(view.private_metadata), chosen), view.hash);
        } catch (error) {
          // The form changed meanwhile (another choice was made): that newer update wins.
          if (slackErrorCode(error) !== 'hash_conflict') throw error;
        }
      }),
    };
  };
