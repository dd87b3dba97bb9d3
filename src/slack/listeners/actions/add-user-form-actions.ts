import type { BlockAction } from '@slack/bolt';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { addUserFormState } from '../../parse/add-user-form.js';
import { ViewState, type ViewStateValues } from '../../parse/view-state.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { addUserModal } from '../../views/add-user-modal.js';
import { CALLBACK } from '../../views/ids.js';

/**
 * A choice that changes the Add user form: the password mode (show or hide the Password box) or the
 * products (an "Apps to turn off" picker for each chosen one). The form is rebuilt from its current
 * state; Slack keeps what was typed in every input whose block id stays the same.
 */
export const addUserFormChanged =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction>) => {
    const view = body.view;
    // Other forms have blocks with these ids too: only the Add user form is rebuilt here.
    if (!view || view.callback_id !== CALLBACK.addUser) return {};
    const actor = actorFromBody(body);
    const form = addUserFormState(new ViewState((view.state?.values ?? {}) as ViewStateValues));
    return {
      after: read('update the Add user form', async () => {
        const options = await addUserOptions(deps.core, actor);
        if (!options.ok) return;
        try {
          await deps.slack.updateView(view.id, addUserModal(options.options, form), view.hash);
        } catch (error) {
          // The form changed meanwhile (another choice was made): that newer update wins.
          if (slackErrorCode(error) !== 'hash_conflict') throw error;
        }
      }),
    };
  };
