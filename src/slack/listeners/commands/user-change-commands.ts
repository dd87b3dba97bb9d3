import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { openBlockUserForm, openEditManyForm, openEditUserFormFor, openResetPasswordForm, openUnblockUserForm } from '../../services/user-change-forms.js';
import { textMessage } from '../../views/kit.js';

export const USER_CHANGE_SUBCOMMANDS = ['edit', 'edit-many', 'block', 'unblock', 'reset-password'] as const;
export type UserChangeSubcommand = (typeof USER_CHANGE_SUBCOMMANDS)[number];

export function isUserChangeSubcommand(sub: string): sub is UserChangeSubcommand {
  return (USER_CHANGE_SUBCOMMANDS as readonly string[]).includes(sub);
}

interface CommandArgs {
  command: { team_id: string; user_id: string; trigger_id: string };
  ack: (response?: { response_type: 'ephemeral'; text: string }) => Promise<void>;
}

/**
 * `/users edit|block|unblock|reset-password <username>` and `/users edit-many`: acked at once (the
 * form is looked up and opened after the ack, with the trigger id), so nothing slow precedes it.
 */
export async function userChangeCommand(deps: ListenerDeps, { command, ack }: CommandArgs, sub: UserChangeSubcommand, username: string): Promise<void> {
  const actor = { teamId: command.team_id, slackUserId: command.user_id };
  if (sub === 'edit-many') {
    await ack();
    await afterAck(deps, actor.slackUserId, 'open the Edit users form', () => openEditManyForm(deps, actor, command.trigger_id));
    return;
  }
  if (!username) {
    await ack({ response_type: 'ephemeral', ...textMessage(`Say which user: \`/users ${sub} <username>\`, for example \`/users ${sub} ana@contoso.com\`.`) });
    return;
  }
  await ack();
  const target = { username };
  const trigger = command.trigger_id;
  switch (sub) {
    case 'edit':
      await afterAck(deps, actor.slackUserId, 'open the Edit user form', () => openEditUserFormFor(deps, actor, trigger, target));
      return;
    case 'block':
      await afterAck(deps, actor.slackUserId, 'open the Block sign-in form', () => openBlockUserForm(deps, actor, trigger, target));
      return;
    case 'unblock':
      await afterAck(deps, actor.slackUserId, 'open the Allow sign-in form', () => openUnblockUserForm(deps, actor, trigger, target));
      return;
    case 'reset-password':
      await afterAck(deps, actor.slackUserId, 'open the Reset password form', () => openResetPasswordForm(deps, actor, trigger, target));
      return;
  }
}
