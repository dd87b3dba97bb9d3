import type { BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { openDeleteUsersForm, openUserLicensesForm } from '../../services/lifecycle-forms.js';
import { openBlockUserForm, openEditUserForm, openResetPasswordForm, openUnblockUserForm } from '../../services/user-change-forms.js';

type Opener = (deps: ListenerDeps, actor: MemberActor, triggerId: string, userId: string) => Promise<void>;

/** The forms a row's menu opens, by the verb before the user id. */
const OPENERS: Record<'edit' | 'licenses' | 'block' | 'unblock' | 'reset' | 'delete', Opener> = {
  edit: (deps, actor, trigger, userId) => openEditUserForm(deps, actor, trigger, userId),
  licenses: (deps, actor, trigger, userId) => openUserLicensesForm(deps, actor, trigger, userId),
  block: (deps, actor, trigger, userId) => openBlockUserForm(deps, actor, trigger, { userId }),
  unblock: (deps, actor, trigger, userId) => openUnblockUserForm(deps, actor, trigger, { userId }),
  reset: (deps, actor, trigger, userId) => openResetPasswordForm(deps, actor, trigger, { userId }),
  delete: (deps, actor, trigger, userId) => openDeleteUsersForm(deps, actor, trigger, [userId]),
};

function isVerb(value: string): value is keyof typeof OPENERS {
  return Object.hasOwn(OPENERS, value);
}

/** A row's menu in a user list (`edit:<id>`, `licenses:<id>`, `block:<id>`…): opens that form for that user, after the ack. */
export const userRowAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction<OverflowAction | ButtonAction>>) => {
    const actor = actorFromBody(body);
    // A row's menu (overflow) or a row's own button (the Apps button under /licenses users).
    const picked = body.actions[0] as { selected_option?: { value?: string }; value?: string } | undefined;
    const [verb = '', userId = ''] = (picked?.selected_option?.value ?? picked?.value ?? '').split(':');
    if (!isVerb(verb) || !userId) return {};
    return { after: read('open that form', () => OPENERS[verb](deps, actor, body.trigger_id, userId)) };
  };
