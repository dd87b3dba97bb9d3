import type { MemberActor } from '../../../core/context.js';
import { listCustomViews } from '../../../core/views/custom-view-admin.js';
import { findUsersListed } from '../../../core/views/find-listed.js';
import { listUsers } from '../../../core/views/list-users.js';
import type { ListenerDeps } from '../../deps.js';
import { read, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply } from '../../services/answering.js';
import { exportViewToDm } from '../../services/export-to-dm.js';
import { customViewsMessage } from '../../views/custom-views.js';
import { textMessage } from '../../views/kit.js';
import { findResultsMessage, userListMessage } from '../../views/user-list.js';

/**
 * `/users list [view]`, `/users find <text>`, `/users views`, `/users export [view]`. Each page is
 * one indexed query (milliseconds), so it is the ack itself; the export runs after the ack.
 */
export async function userListCommand(deps: ListenerDeps, actor: MemberActor, sub: string, rest: string): Promise<Plan<CommandReply>> {
  switch (sub) {
    case 'list': {
      const result = await listUsers(deps.core, actor, { view: rest });
      return { reply: ephemeral(result.ok ? userListMessage(result) : textMessage(result.message)) };
    }
    case 'find': {
      if (!rest.trim()) {
        return { reply: ephemeral(textMessage('Say what to look for: `/users find ana` finds users whose name, username or alias starts with "ana".')) };
      }
      const result = await findUsersListed(deps.core, actor, rest);
      return { reply: ephemeral(result.ok ? findResultsMessage(rest.trim(), result.users, result.limit) : textMessage(result.message)) };
    }
    case 'views': {
      const result = await listCustomViews(deps.core, actor);
      return { reply: ephemeral(result.ok ? customViewsMessage(result.organizationName, result.views, result.canManage) : textMessage(result.message)) };
    }
    default:
      return {
        reply: ephemeral({ text: 'Exporting: the CSV comes as a DM from Roster.' }),
        after: read('export the view', () => exportViewToDm(deps, actor, rest)),
      };
  }
}
