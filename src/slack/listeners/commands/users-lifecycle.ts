import { deletedUserToRestore, listDeletedUsers } from '../../../core/users/restore-user.js';
import { previewDeleteUsers } from '../../../core/users/delete-users.js';
import { inviteGuest } from '../../../core/users/invite-guest.js';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { textMessage } from '../../views/kit.js';
import { deletedUsersMessage, deleteUsersModal, restoreUserModal } from '../../views/lifecycle-views.js';

type Ack = (response?: object) => Promise<void>;

/**
 * `/users delete <username>...`, `/users deleted`, `/users restore <username>`, `/users invite <email> [name]`.
 * Returns false for any other subcommand (users-command.ts handles those).
 */
export async function usersLifecycleSubcommand(
  deps: ListenerDeps,
  actor: MemberActor,
  sub: string,
  rest: string[],
  triggerId: string,
  ack: Ack,
): Promise<boolean> {
  switch (sub) {
    case 'delete': {
      const preview = await previewDeleteUsers(deps.core, actor, { usernames: rest });
      if (!preview.ok) {
        await ack({ response_type: 'ephemeral', ...textMessage(preview.message) });
        return true;
      }
      await ack();
      await afterAck(deps, actor.slackUserId, 'open the delete confirmation', () =>
        deps.slack.openView(triggerId, deleteUsersModal(preview.users, preview.refused)).then(() => undefined),
      );
      return true;
    }
    case 'deleted': {
      const result = await listDeletedUsers(deps.core, actor);
      await ack({ response_type: 'ephemeral', ...(result.ok ? deletedUsersMessage(result.users, result.count) : textMessage(result.message)) });
      return true;
    }
    case 'restore': {
      const found = await deletedUserToRestore(deps.core, actor, rest.join(' '));
      if (!found.ok) {
        await ack({ response_type: 'ephemeral', ...textMessage(found.message) });
        return true;
      }
      await ack();
      await afterAck(deps, actor.slackUserId, 'open the restore form', () =>
        deps.slack.openView(triggerId, restoreUserModal(found.user, found.usernameTaken)).then(() => undefined),
      );
      return true;
    }
    case 'invite': {
      const [email = '', ...name] = rest;
      const result = await inviteGuest(deps.core, actor, { email: email.replace(/^<mailto:[^|]*\|(.*)>$/, '$1'), displayName: name.join(' ') });
      await ack({
        response_type: 'ephemeral',
        ...textMessage(
          result.ok ? `Invited guest ${result.displayName} as ${result.userPrincipalName}. Only a Global admin can give a guest a license.` : result.message,
        ),
      });
      return true;
    }
    default:
      return false;
  }
}
