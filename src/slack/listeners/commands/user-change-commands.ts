import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { read, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply } from '../../services/answering.js';
import { openBlockUserForm, openEditManyForm, openEditUserFormFor, openResetPasswordForm, openUnblockUserForm } from '../../services/user-change-forms.js';
import { textMessage } from '../../views/kit.js';

export const USER_CHANGE_SUBCOMMANDS = ['edit', 'edit-many', 'block', 'unblock', 'reset-password'] as const;
export type UserChangeSubcommand = (typeof USER_CHANGE_SUBCOMMANDS)[number];

export function isUserChangeSubcommand(sub: string): sub is UserChangeSubcommand {
  return (USER_CHANGE_SUBCOMMANDS as readonly string[]).includes(sub);
}

const OPENERS = {
  edit: ['open the Edit user form', openEditUserFormFor],
  block: ['open the Block sign-in form', openBlockUserForm],
  unblock: ['open the Allow sign-in form', openUnblockUserForm],
  'reset-password': ['open the Reset password form', openResetPasswordForm],
} as const;

/**
 * `/users edit|block|unblock|reset-password <username>` and `/users edit-many`: acked at once (the
 * form is looked up and opened after the ack, with the trigger id), so nothing slow precedes it.
 */
export function userChangeCommand(deps: ListenerDeps, actor: MemberActor, triggerId: string, sub: UserChangeSubcommand, username: string): Plan<CommandReply> {
  if (sub === 'edit-many') return { after: read('open the Edit users form', () => openEditManyForm(deps, actor, triggerId)) };
  if (!username) {
    return { reply: ephemeral(textMessage(`Say which user: \`/users ${sub} <username>\`, for example \`/users ${sub} ana@contoso.com\`.`)) };
  }
  const [what, open] = OPENERS[sub];
  return { after: read(what, () => open(deps, actor, triggerId, { username })) };
}
