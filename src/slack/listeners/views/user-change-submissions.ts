import { blockUser, unblockUser } from '../../../core/users/block-user.js';
import { editManyDetailsProblems } from '../../../core/users/edit-many.js';
import { editUser } from '../../../core/users/edit-user.js';
import { checkPasswordReset, resetPassword } from '../../../core/users/reset-password.js';
import { describeError } from '../../../log.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseEditManyForm, parseEditUserForm, parseResetPasswordForm, preselectedUsers } from '../../parse/user-change-forms.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewArgs, type ViewListener } from '../../services/answering.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { runEditMany, showEditRefused } from '../../services/user-change-forms.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const stateOf = (view: ViewArgs['view']) => new ViewState(view.state.values as ViewStateValues);

/** Edit user: a rehearsal of the edit puts problems on their fields or says what will be saved; the edit follows the ack. */
export function editUserSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Edit user', working: 'Saving the changes…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = stateOf(view);
      const target = { userId: view.private_metadata };
      const input = parseEditUserForm(state);
      const rehearsal = await editUser(deps.core, actor, target, input, { dryRun: true });
      if (!rehearsal.ok) {
        return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'displayName', message: rehearsal.message }], state, firstBlock(state))) };
      }
      const upn = esc(rehearsal.userPrincipalName);
      if (rehearsal.changedFields.length === 0) return { reply: showView(messageModal('Edit user', `Nothing changed for ${upn}.`)) };
      const saved = `Saved ${upn}: ${rehearsal.changedFields.join(', ')}.`;
      // A connected tenant is asked after the ack, and may refuse: the modal says it is asking, then what it answered.
      const asking = rehearsal.tenantName ? `Saving the changes to ${upn} in ${esc(rehearsal.tenantName)}: ${rehearsal.changedFields.join(', ')}…` : null;
      return {
        reply: showView(messageModal('Edit user', asking ?? saved)),
        after: change(`save the changes to ${rehearsal.userPrincipalName}`, async () => {
          const result = await editUser(deps.core, actor, target, input);
          if (!result.ok) {
            if (result.code === 'pending_approval') await deps.slack.updateView(view.id, messageModal('Edit user', esc(result.message)));
            else await showEditRefused(deps, actor, view.id, target, view.state.values as ViewStateValues, result, rehearsal.userPrincipalName);
            return;
          }
          // The admin may have closed the modal meanwhile: the changes are saved all the same.
          if (asking)
            await deps.slack
              .updateView(view.id, messageModal('Edit user', saved))
              .catch((error: unknown) => deps.logger.info('the Edit user modal could not say the changes were saved', describeError(error)));
          deps.logger.info('user edited', {
            team: actor.teamId,
            by: actor.slackUserId,
            user: result.userPrincipalName,
            fields: result.changedFields.join(','),
          });
        }),
      };
    },
  };
}

/** Block or allow sign-in, once confirmed: a rehearsal decides what the modal says; the change follows the ack. */
export function signInSubmission(deps: ListenerDeps, block: boolean): ViewListener {
  const title = block ? 'Block sign-in' : 'Allow sign-in';
  const setSignIn = block ? blockUser : unblockUser;
  return {
    look: { title, working: block ? 'Blocking sign-in…' : 'Allowing sign-in…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const target = { userId: view.private_metadata };
      const rehearsal = await setSignIn(deps.core, actor, target, { dryRun: true });
      if (!rehearsal.ok) return { reply: showView(messageModal(title, esc(rehearsal.message))) };
      const upn = rehearsal.userPrincipalName;
      const text = `${esc(upn)} ${block ? 'is blocked from signing in' : 'can sign in again'}. It can take up to about an hour to reach every device.`;
      // A connected tenant is asked after the ack, and may refuse: the modal says it is asking, then what it answered.
      const asking =
        rehearsal.tenantName && rehearsal.changed ? `${block ? 'Blocking' : 'Allowing'} the sign-in of ${esc(upn)} in ${esc(rehearsal.tenantName)}…` : null;
      return {
        reply: showView(messageModal(title, asking ?? text)),
        after: change(`${block ? 'block' : 'allow'} the sign-in of ${upn}`, async () => {
          const result = await setSignIn(deps.core, actor, target);
          if (!result.ok) {
            await deps.slack.updateView(view.id, messageModal(title, esc(`Nothing was changed for ${upn}: ${result.message}`)));
            return;
          }
          if (asking)
            await deps.slack
              .updateView(view.id, messageModal(title, text))
              .catch((error: unknown) => deps.logger.info('the sign-in modal could not say the change was made', describeError(error)));
          deps.logger.info(block ? 'sign-in blocked' : 'sign-in allowed', { team: actor.teamId, by: actor.slackUserId, user: upn });
        }),
      };
    },
  };
}

/**
 * Reset password: everything is checked before the ack (fast); the slow part (a chosen password's
 * scrypt hash) and the DMs follow it. If the change then fails, the admin is told by DM.
 */
export function resetPasswordSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Reset password', working: 'Checking… the new password comes to you in a DM from Roster.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = stateOf(view);
      const input = parseResetPasswordForm(state);
      const target = { userId: view.private_metadata };
      const checked = await checkPasswordReset(deps.core, actor, target, input);
      if (!checked.ok)
        return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'passwordMode', message: checked.message }], state, 'passwordMode')) };
      const upn = checked.target.user.userPrincipalName;
      return {
        reply: showView(messageModal('Reset password', `Resetting the password of ${esc(upn)}. The new password comes to you in a DM from Roster.`)),
        after: change(`reset the password of ${upn}`, async () => {
          const result = await resetPassword(deps.core, actor, target, input);
          if (!result.ok) {
            await deps.slack.dm(actor.slackUserId, { text: esc(`The password of ${upn} was not reset: ${result.message}`) });
            return;
          }
          deps.logger.info('password reset', { team: actor.teamId, by: actor.slackUserId, user: upn });
          await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
        }),
      };
    },
  };
}

/** Edit many: acked at once; the work (it may be 10,000 users) runs after, and its results come as a DM. */
export function editManySubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Edit users', working: 'Editing the users. You get the results in a DM from Roster.' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const input = parseEditManyForm(stateOf(view), preselectedUsers(view.private_metadata));
      if ((input.usernames?.length ?? 0) + (input.userIds?.length ?? 0) === 0) {
        return { reply: fieldErrors({ usernames: 'Paste some usernames or pick users.' }) };
      }
      const detailsProblems = editManyDetailsProblems(input.detailsPatch);
      if (detailsProblems.length > 0) return { reply: fieldErrors(viewErrors(detailsProblems, stateOf(view), 'usernames')) };
      return {
        reply: showView(messageModal('Edit users', 'Editing the users. You get the results in a DM from Roster, with a file listing every user.')),
        after: change('edit the users', () => runEditMany(deps, actor, input)),
      };
    },
  };
}

function firstBlock(state: ViewState): string {
  return ['displayName', 'usageLocation', 'licenses'].find((field) => state.has(field)) ?? 'displayName';
}
