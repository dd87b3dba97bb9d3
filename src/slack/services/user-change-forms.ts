import type { Actor, MemberActor } from '../../core/context.js';
import { blockUser, unblockUser } from '../../core/users/block-user.js';
import type { EditManyInput } from '../../core/users/edit-many.js';
import { queueEditMany } from '../../core/users/edit-many-job.js';
import { editUserForm } from '../../core/users/edit-user-options.js';
import type { TargetRef } from '../../core/users/edit-user-target.js';
import { checkPasswordReset } from '../../core/users/reset-password.js';
import { editManyFormOptions } from '../../core/users/edit-many-options.js';
import type { ListenerDeps } from '../deps.js';
import { editManyModal } from '../views/edit-many-modal.js';
import { editUserModal } from '../views/edit-user-modal.js';
import { esc } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';
import { refilledForm } from '../views/refill-view.js';
import type { ViewStateValues } from '../parse/view-state.js';
import type { FieldError } from '../../core/result.js';
import { resetPasswordModal, signInConfirmModal } from '../views/user-change-modals.js';

const ref = (userId: string): TargetRef => ({ userId });

/** Opens the Edit user form, or a modal saying why not. (The list's row menu `edit:<userId>` opens this too.) */
export async function openEditUserForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, userId: string): Promise<void> {
  await openEditUserFormFor(deps, actor, triggerId, ref(userId));
}

/** The same, for a user named by username (`/users edit <username>`). */
export async function openEditUserFormFor(deps: ListenerDeps, actor: MemberActor, triggerId: string, target: TargetRef): Promise<void> {
  const form = await editUserForm(deps.core, actor, target);
  await deps.slack.openView(triggerId, form.ok ? editUserModal(form.form) : messageModal('Edit user', esc(form.message)));
}

/**
 * The Edit user form in place of `viewId` after the edit that followed its ack was refused (by
 * Microsoft 365, on a connected organization): as the admin filled it in (`values`), each problem
 * under its field, to fix and save again. Without problems on fields, or when the form can no longer
 * be shown, a message saying nothing was saved.
 */
export async function showEditRefused(
  deps: ListenerDeps,
  actor: MemberActor,
  viewId: string,
  target: TargetRef,
  values: ViewStateValues,
  refusal: { message: string; fields?: FieldError[] | undefined },
  upn: string,
): Promise<void> {
  const form = refusal.fields?.length ? await editUserForm(deps.core, actor, target) : null;
  await deps.slack.updateView(
    viewId,
    form?.ok
      ? refilledForm(editUserModal(form.form), values, refusal.fields ?? [])
      : messageModal('Edit user', esc(`Nothing was saved for ${upn}: ${refusal.message}`)),
  );
}

/** Opens the "Block sign-in" confirmation after checking (a dry run) that the block would be allowed. */
export async function openBlockUserForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, target: TargetRef): Promise<void> {
  await openSignInForm(deps, actor, triggerId, target, true);
}

/** Opens the "Allow sign-in" confirmation. */
export async function openUnblockUserForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, target: TargetRef): Promise<void> {
  await openSignInForm(deps, actor, triggerId, target, false);
}

async function openSignInForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, target: TargetRef, block: boolean): Promise<void> {
  const check = await (block ? blockUser : unblockUser)(deps.core, actor, target, { dryRun: true });
  const title = block ? 'Block sign-in' : 'Allow sign-in';
  if (!check.ok) return void (await deps.slack.openView(triggerId, messageModal(title, esc(check.message))));
  if (!check.changed) {
    const state = block ? 'already blocked from signing in' : 'already allowed to sign in';
    return void (await deps.slack.openView(triggerId, messageModal(title, `${esc(check.userPrincipalName)} is ${state}.`)));
  }
  await deps.slack.openView(triggerId, signInConfirmModal(check, block));
}

/** Opens the Reset password form, or a modal saying why this admin may not reset this user's password. */
export async function openResetPasswordForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, target: TargetRef): Promise<void> {
  const check = await checkPasswordReset(deps.core, actor, target, { password: { mode: 'auto' } });
  if (!check.ok) return void (await deps.slack.openView(triggerId, messageModal('Reset password', esc(check.message))));
  const { user } = check.target;
  await deps.slack.openView(triggerId, resetPasswordModal({ userId: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName }));
}

/** Opens Edit many, with the users selected in a list (if any). */
export async function openEditManyForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, preselected: readonly string[] = []): Promise<void> {
  const options = await editManyFormOptions(deps.core, actor);
  if (!options.ok) return void (await deps.slack.openView(triggerId, messageModal('Edit users', esc(options.message))));
  // private_metadata holds at most 3,000 characters: a longer selection is pasted as usernames instead.
  if (preselected.join(',').length > 3000) {
    return void (await deps.slack.openView(
      triggerId,
      messageModal('Edit users', 'That is too many users to carry over from the list. Use `/users edit-many` and paste their usernames.'),
    ));
  }
  await deps.slack.openView(triggerId, editManyModal(options.licenses, preselected));
}

/**
 * Hands an Edit many to a job after the ack (it may be 10,000 users; slack/jobs/edit-many-job.ts
 * DMs the admin the counts with a CSV of every user and outcome when it ends). A request the core
 * refuses is answered by DM at once.
 */
export async function runEditMany(deps: ListenerDeps, actor: MemberActor & Actor, input: EditManyInput): Promise<void> {
  const queued = await queueEditMany(deps.core, actor, input, { queue: 'app' });
  if (!queued.ok) {
    await deps.slack.dm(actor.slackUserId, { text: esc(`Edit users: ${queued.message}`) });
    return;
  }
  deps.logger.info('edit many queued', { team: actor.teamId, by: actor.slackUserId, job: queued.jobId, users: queued.users });
}
