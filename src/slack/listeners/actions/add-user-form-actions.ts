import type { AllMiddlewareArgs, BlockAction, RadioButtonsAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { afterAck } from '../../services/after-ack.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { addUserModal, PASSWORD_CUSTOM } from '../../views/add-user-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<RadioButtonsAction>> & AllMiddlewareArgs;

/** "Automatically create a password" / "Let me create the password": show or hide the Password box. */
export const passwordModeChanged = (deps: ListenerDeps) => async ({ ack, body, action }: Args) => {
  await ack();
  const view = body.view;
  if (!view) return;
  const actor = actorFromBody(body);
  await afterAck(deps, actor.slackUserId, 'update the Add user form', async () => {
    const options = await addUserOptions(deps.core, actor);
    if (!options.ok) return;
    const customPassword = action.selected_option?.value === PASSWORD_CUSTOM;
    try {
      await deps.slack.updateView(view.id, addUserModal(options.options, { customPassword }), view.hash);
    } catch (error) {
      // The form changed meanwhile (another choice was made): that newer update wins.
      if (slackErrorCode(error) !== 'hash_conflict') throw error;
    }
  });
};
