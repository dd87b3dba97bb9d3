import { deletedUserToRestore, listDeletedUsers } from '../../../core/users/restore-user.js';
import { previewDeleteUsers } from '../../../core/users/delete-users.js';
import { inviteGuest } from '../../../core/users/invite-guest.js';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { change, read, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { textMessage } from '../../views/kit.js';
import { deletedUsersMessage, deleteUsersModal, purgeUserModal, restoreUserModal } from '../../views/lifecycle-views.js';
import { purgeTarget } from '../../../core/users/purge-user.js';

export const LIFECYCLE_SUBCOMMANDS = ['delete', 'deleted', 'restore', 'purge', 'invite'] as const;
export type LifecycleSubcommand = (typeof LIFECYCLE_SUBCOMMANDS)[number];

export function isLifecycleSubcommand(sub: string): sub is LifecycleSubcommand {
  return (LIFECYCLE_SUBCOMMANDS as readonly string[]).includes(sub);
}

/** `/users delete <username>...`, `/users deleted`, `/users restore <username>`, `/users purge <username>`, `/users invite <email> [name]`. */
export async function usersLifecycleSubcommand(
  deps: ListenerDeps,
  actor: MemberActor,
  sub: LifecycleSubcommand,
  rest: string[],
  triggerId: string,
  tell: FollowUp,
): Promise<Plan<CommandReply>> {
  switch (sub) {
    case 'delete': {
      const preview = await previewDeleteUsers(deps.core, actor, { usernames: rest });
      if (!preview.ok) return { reply: ephemeral(textMessage(preview.message)) };
      return {
        after: read('open the delete confirmation', async () => {
          await deps.slack.openView(triggerId, deleteUsersModal(preview.users, preview.refused));
        }),
      };
    }
    case 'deleted': {
      const result = await listDeletedUsers(deps.core, actor);
      return { reply: ephemeral(result.ok ? deletedUsersMessage(result.users, result.count) : textMessage(result.message)) };
    }
    case 'restore': {
      const found = await deletedUserToRestore(deps.core, actor, rest.join(' '));
      if (!found.ok) return { reply: ephemeral(textMessage(found.message)) };
      return {
        after: read('open the restore form', async () => {
          await deps.slack.openView(triggerId, restoreUserModal(found.user, found.usernameTaken));
        }),
      };
    }
    case 'purge': {
      const found = await purgeTarget(deps.core, actor, rest.join(' '));
      if (!found.ok) return { reply: ephemeral(textMessage(found.message)) };
      return {
        after: read('open the permanent delete confirmation', async () => {
          await deps.slack.openView(triggerId, purgeUserModal(found.user));
        }),
      };
    }
    case 'invite': {
      const [email = '', ...name] = rest;
      const input = { email: email.replace(/^<mailto:[^|]*\|(.*)>$/, '$1'), displayName: name.join(' ') };
      const rehearsal = await inviteGuest(deps.core, actor, { ...input, dryRun: true });
      if (!rehearsal.ok) return { reply: ephemeral(textMessage(rehearsal.message)) };
      return {
        reply: ephemeral(
          textMessage(`Invited guest ${rehearsal.displayName} as ${rehearsal.userPrincipalName}. Only a Global admin can give a guest a license.`),
        ),
        after: change('invite the guest', async () => {
          const result = await inviteGuest(deps.core, actor, input);
          if (!result.ok) await tell(textMessage(`${rehearsal.userPrincipalName} was not invited: ${result.message}`));
        }),
      };
    }
  }
}
