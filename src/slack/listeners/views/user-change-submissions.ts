import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { blockUser, unblockUser } from '../../../core/users/block-user.js';
import { editManyDetailsProblems } from '../../../core/users/edit-many.js';
import { editUser } from '../../../core/users/edit-user.js';
import { checkPasswordReset, resetPassword } from '../../../core/users/reset-password.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseEditManyForm, parseEditUserForm, parseResetPasswordForm } from '../../parse/user-change-forms.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { afterAck } from '../../services/after-ack.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { runEditMany } from '../../services/user-change-forms.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const stateOf = (view: Args['view']) => new ViewState(view.state.values as ViewStateValues);

/** Edit user: problems go back onto their fields; success says what was saved. */
export function editUserSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const state = stateOf(view);
    const result = await editUser(deps.core, actor, { userId: view.private_metadata }, parseEditUserForm(state));
    if (!result.ok) {
      await ack({
        response_action: 'errors',
        errors: viewErrors(result.fields ?? [{ field: 'displayName', message: result.message }], state, firstBlock(state)),
      });
      return;
    }
    const saved = result.changedFields.length
      ? `Saved ${esc(result.userPrincipalName)}: ${result.changedFields.join(', ')}.`
      : `Nothing changed for ${esc(result.userPrincipalName)}.`;
    await ack({ response_action: 'update', view: messageModal('Edit user', saved) });
    deps.logger.info('user edited', { team: actor.teamId, by: actor.slackUserId, user: result.userPrincipalName, fields: result.changedFields.join(',') });
  };
}

/** Block or allow sign-in, once confirmed. */
export function signInSubmission(deps: ListenerDeps, block: boolean) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const result = await (block ? blockUser : unblockUser)(deps.core, actor, { userId: view.private_metadata });
    const title = block ? 'Block sign-in' : 'Allow sign-in';
    const text = !result.ok
      ? esc(result.message)
      : `${esc(result.userPrincipalName)} ${block ? 'is blocked from signing in' : 'can sign in again'}. It can take up to about an hour to reach every device.`;
    await ack({ response_action: 'update', view: messageModal(title, text) });
    if (result.ok)
      deps.logger.info(block ? 'sign-in blocked' : 'sign-in allowed', { team: actor.teamId, by: actor.slackUserId, user: result.userPrincipalName });
  };
}

/**
 * Reset password: everything is checked before the ack (fast); the slow part (a chosen password's
 * scrypt hash) and the DMs follow it. If the change then fails, the admin is told by DM.
 */
export function resetPasswordSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const state = stateOf(view);
    const input = parseResetPasswordForm(state);
    const target = { userId: view.private_metadata };
    const checked = await checkPasswordReset(deps.core, actor, target, input);
    if (!checked.ok) {
      await ack({
        response_action: 'errors',
        errors: viewErrors(checked.fields ?? [{ field: 'passwordMode', message: checked.message }], state, 'passwordMode'),
      });
      return;
    }
    const upn = checked.target.user.userPrincipalName;
    await ack({
      response_action: 'update',
      view: messageModal('Reset password', `Resetting the password of ${esc(upn)}. The new password comes to you in a DM from Roster.`),
    });
    await afterAck(deps, actor.slackUserId, `reset the password of ${upn}`, async () => {
      const result = await resetPassword(deps.core, actor, target, input);
      if (!result.ok) {
        await deps.slack.dm(actor.slackUserId, { text: esc(`The password of ${upn} was not reset: ${result.message}`) });
        return;
      }
      deps.logger.info('password reset', { team: actor.teamId, by: actor.slackUserId, user: upn });
      await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
    });
  };
}

/** Edit many: acked at once; the work (it may be 10,000 users) runs after, and its results come as a DM. */
export function editManySubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const preselected = view.private_metadata ? view.private_metadata.split(',').filter(Boolean) : [];
    const input = parseEditManyForm(stateOf(view), preselected);
    if ((input.usernames?.length ?? 0) + (input.userIds?.length ?? 0) === 0) {
      await ack({ response_action: 'errors', errors: { usernames: 'Paste some usernames or pick users.' } });
      return;
    }
    const detailsProblems = editManyDetailsProblems(input.detailsPatch);
    if (detailsProblems.length > 0) {
      await ack({ response_action: 'errors', errors: viewErrors(detailsProblems, stateOf(view), 'usernames') });
      return;
    }
    await ack({
      response_action: 'update',
      view: messageModal('Edit users', 'Editing the users. You get the results in a DM from Roster, with a file listing every user.'),
    });
    await afterAck(deps, actor.slackUserId, 'edit the users', () => runEditMany(deps, actor, input));
  };
}

function firstBlock(state: ViewState): string {
  return ['displayName', 'usageLocation', 'licenses'].find((field) => state.has(field)) ?? 'displayName';
}
