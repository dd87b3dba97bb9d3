import type { MemberActor } from '../../core/context.js';
import { previewDeleteUsers } from '../../core/users/delete-users.js';
import { userLicenseChoices } from '../../core/licenses/set-user-licenses.js';
import type { ListenerDeps } from '../deps.js';
import { userLicensesModal } from '../views/user-licenses-modal.js';
import { deleteUsersModal } from '../views/lifecycle-views.js';
import { esc } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';

/**
 * Opens the delete confirmation for users picked by id (the user list's `delete:<userId>` row menu
 * and its bulk action), or a modal saying why not.
 */
export async function openDeleteUsersForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, userIds: readonly string[]): Promise<void> {
  const preview = await previewDeleteUsers(deps.core, actor, { userIds });
  const view = preview.ok ? deleteUsersModal(preview.users, preview.refused) : messageModal('Delete users', esc(preview.message));
  await deps.slack.openView(triggerId, view);
}

/** Opens a user's licenses form (the list's `licenses:<userId>` row action), or a modal saying why not. */
export async function openUserLicensesForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, userId: string): Promise<void> {
  const choices = await userLicenseChoices(deps.core, actor, userId);
  const view = choices.ok ? userLicensesModal(choices.user, choices.products, choices.held) : messageModal('Licenses', esc(choices.message));
  await deps.slack.openView(triggerId, view);
}
