import type { BlockAction } from '@slack/bolt';
import { openAddUserDraft } from '../../../core/users/add-user-draft.js';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { addUserModal } from '../../views/add-user-modal.js';
import { fillAddUserForm, formStateOf } from '../../views/add-user-refill.js';
import { reviewUnreadable } from '../../views/add-user-review.js';
import { CALLBACK } from '../../views/ids.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

/**
 * Back on the Add user review: the form in its place, filled in from the review's sealed answers
 * (the products and their apps turned off included; a typed password is asked for again).
 */
export const addUserBackAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction>) => {
    const view = body.view;
    if (!view || view.callback_id !== CALLBACK.addUserReview) return {};
    const actor = actorFromBody(body);
    return {
      after: read('go back to the Add user form', async () => {
        const input = openAddUserDraft(deps.secretKey, view.private_metadata ?? '', actor, deps.core.now());
        const options = await addUserOptions(deps.core, actor);
        const form = !input
          ? reviewUnreadable()
          : options.ok
            ? fillAddUserForm(addUserModal(options.options, formStateOf(input)), input)
            : messageModal('Add a user', esc(options.message));
        try {
          await deps.slack.updateView(view.id, form, view.hash);
        } catch (error) {
          // Pressed twice, or Finish was pressed meanwhile: the newer view wins.
          if (slackErrorCode(error) !== 'hash_conflict') throw error;
        }
      }),
    };
  };
