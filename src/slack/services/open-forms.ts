import { addUserOptions } from '../../core/users/add-user-options.js';
import { proposeInitialDomain } from '../../core/tenant/initial-domain.js';
import { organizationOf, SETUP_FORBIDDEN } from '../../core/tenant/setup-tenant.js';
import type { MemberActor } from '../../core/context.js';
import type { ListenerDeps } from '../deps.js';
import { addUserModal } from '../views/add-user-modal.js';
import { messageModal } from '../views/message-modal.js';
import { esc } from '../views/kit.js';
import { setupModal } from '../views/setup-modal.js';

/** Opens the Add user form, or a modal saying why this member cannot add users. */
export async function openAddUserForm(deps: ListenerDeps, actor: MemberActor, triggerId: string): Promise<void> {
  const options = await addUserOptions(deps.core, actor);
  const view = options.ok ? addUserModal(options.options) : messageModal('Add a user', esc(options.message));
  await deps.slack.openView(triggerId, view);
}

/** Whether a member may set Roster up: a bootstrap admin, or a workspace owner or admin (asked of Slack). */
export async function maySetUp(deps: Pick<ListenerDeps, 'slack'> & { bootstrapAdmins?: readonly string[] }, userId: string): Promise<boolean> {
  return Boolean(deps.bootstrapAdmins?.includes(userId)) || (await deps.slack.userProfile(userId)).isOwnerOrAdmin;
}

/** Opens the setup form for workspace owners/admins and bootstrap admins; tells anyone else who can. */
export async function openSetupForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, workspaceName?: string): Promise<void> {
  const tenant = await organizationOf(deps.core, actor.teamId);
  if (tenant) {
    await deps.slack.openView(
      triggerId,
      messageModal('Set up Roster', `This workspace is already set up as *${esc(tenant.name)}* (${esc(tenant.initialDomain)}).`),
    );
    return;
  }
  if (!(await maySetUp(deps, actor.slackUserId))) {
    await deps.slack.openView(triggerId, messageModal('Set up Roster', esc(SETUP_FORBIDDEN)));
    return;
  }
  const name = workspaceName ?? '';
  await deps.slack.openView(triggerId, setupModal({ organizationName: name, initialDomain: name ? proposeInitialDomain(name) : '' }));
}
