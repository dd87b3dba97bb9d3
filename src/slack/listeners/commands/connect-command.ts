import type { MemberActor } from '../../../core/context.js';
import { mayConnect } from '../../../core/microsoft/connect-organization.js';
import { connectionStatus } from '../../../core/microsoft/connection-status.js';
import { linkMemberByHand } from '../../../core/microsoft/link-members.js';
import { requestSync } from '../../../core/microsoft/sync-request.js';
import { notConnected } from '../../../core/refusals.js';
import type { ListenerDeps } from '../../deps.js';
import { change, read, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { connectionMessage, connectModal } from '../../views/connect-views.js';
import { esc, textMessage } from '../../views/kit.js';

/**
 * `/users connect`: on a connected organization, the connection (any admin role; Disconnect for
 * Global admins); else the Connect Microsoft 365 form (Global admins), opened after the ack.
 */
export async function connectCommand(deps: ListenerDeps, actor: MemberActor, triggerId: string): Promise<Plan<CommandReply>> {
  const status = await connectionStatus(deps.core, actor);
  if (!status.ok) return { reply: ephemeral(textMessage(status.message)) };
  if (status.connection) return { reply: ephemeral(connectionMessage(status.organizationName, status.connection, status.canManage)) };
  const allowed = await mayConnect(deps.core, actor);
  if (!allowed.ok) return { reply: ephemeral(textMessage(allowed.message)) };
  return {
    after: read('open the Connect Microsoft 365 form', async () => {
      await deps.slack.openView(triggerId, connectModal());
    }),
  };
}

/** `/users sync`: reads the tenant's changes now; the member gets a DM when it is done. */
export async function syncCommand(deps: ListenerDeps, actor: MemberActor, tell: FollowUp): Promise<Plan<CommandReply>> {
  const status = await connectionStatus(deps.core, actor);
  if (!status.ok) return { reply: ephemeral(textMessage(status.message)) };
  if (!status.connection) return { reply: ephemeral(textMessage(notConnected(status.organizationName))) };
  return {
    reply: ephemeral(textMessage(`Reading the changes of ${status.connection.tenantName}… you get a DM when it is done.`)),
    after: change('start a sync', async () => {
      const asked = await requestSync(deps.core, actor, { notify: actor.slackUserId });
      if (!asked.ok) return tell(textMessage(asked.message));
      if (asked.alreadyQueued) await tell(textMessage(`A sync of ${asked.tenantName} is at work already; \`/users connect\` shows when it ends.`));
    }),
  };
}

/** `/users link <username> <member>`: the member is the member's mention or id (Copy member ID in their Slack profile); `none` unlinks. */
export function linkCommand(deps: ListenerDeps, actor: MemberActor, words: readonly string[], tell: FollowUp): Plan<CommandReply> {
  const [username = '', who = ''] = words;
  const member = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(who)?.[1] ?? (/^[UW][A-Z0-9]{2,}$/.test(who) ? who : null);
  if (!username || (!member && who.toLowerCase() !== 'none'))
    return {
      reply: ephemeral(
        textMessage(
          'Say which user and which Slack member: `/users link ana@contoso.com U0123ABCD` (the member ID is in their Slack profile, ⋮ → Copy member ID), or `none` to unlink.',
        ),
      ),
    };
  return {
    reply: ephemeral(textMessage(`Linking ${esc(username)}…`)),
    after: change('link a Slack member', async () => {
      const linked = await linkMemberByHand(deps.core, actor, { username, slackUserId: member });
      if (!linked.ok) return tell(textMessage(esc(linked.message)));
      await tell(
        textMessage(
          linked.slackUserId
            ? `${esc(linked.userPrincipalName)} is now <@${linked.slackUserId}>: their roles in the tenant are what Roster lets them do.`
            : `${esc(linked.userPrincipalName)} is linked to no Slack member now.`,
        ),
      );
    }),
  };
}
