import type { BlockAction } from '@slack/bolt';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { addManyUsersModal, FIRST_FORM_ROWS, rowsOf } from '../../views/add-many-modal.js';

/**
 * "Add several users" in the Add user form (the form becomes the Add several users form) and "Add
 * another user" in that form (a row more; Slack keeps what was typed in the rows already there).
 */
export const addManyFormAction =
  (deps: ListenerDeps, what: 'open' | 'row') =>
  ({ body }: ActionArgs<BlockAction>) => {
    const view = body.view;
    if (!view) return {};
    const actor = actorFromBody(body);
    const rows = what === 'open' ? FIRST_FORM_ROWS : rowsOf(view.private_metadata) + 1;
    return {
      after: read(what === 'open' ? 'open the Add several users form' : 'add a row to the form', async () => {
        const options = await addUserOptions(deps.core, actor);
        if (!options.ok) return;
        try {
          await deps.slack.updateView(view.id, addManyUsersModal(options.options, rows), view.hash);
        } catch (error) {
          // The form changed meanwhile (another press): that newer update wins.
          if (slackErrorCode(error) !== 'hash_conflict') throw error;
        }
      }),
    };
  };
