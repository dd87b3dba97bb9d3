import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { MemberActor } from '../../../core/context.js';
import { connectionStatus } from '../../../core/microsoft/connection-status.js';
import { disconnectOrganization } from '../../../core/microsoft/disconnect-organization.js';
import { requestSync } from '../../../core/microsoft/sync-request.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { respondOrDm } from '../../services/respond-or-dm.js';
import { connectionMessage } from '../../views/connect-views.js';
import { textMessage } from '../../views/kit.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/** The connection again where it was (in place of the message), saying what was done; else just what was said. */
async function showConnection(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, said: string): Promise<void> {
  const status = await connectionStatus(deps.core, actor);
  const shown = status.ok && status.connection ? connectionMessage(status.organizationName, status.connection, status.canManage, said) : textMessage(said);
  await respondOrDm(deps, actor.slackUserId, responseUrl, shown, true);
}

/** Sync now, under `/users connect`: a sync is queued (or the one at work kept); a DM follows when it ends. */
export const syncNowAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    return {
      after: change('start a sync', async () => {
        const asked = await requestSync(deps.core, actor, { notify: actor.slackUserId });
        const said = !asked.ok
          ? asked.message
          : asked.alreadyQueued
            ? `A sync of ${asked.tenantName} is at work already.`
            : `Reading the changes of ${asked.tenantName}: you get a DM when it is done.`;
        await showConnection(deps, actor, body.response_url, said);
      }),
    };
  };

/** Disconnect (after Slack's confirmation dialog): Global admins; the users stay as Roster's own directory. */
export const disconnectAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    return {
      after: change('disconnect Microsoft 365', async () => {
        const done = await disconnectOrganization(deps.core, actor);
        const said = done.ok
          ? `Disconnected from ${done.tenantName}. Its users stay in Roster as its own directory; nothing changed in the tenant.`
          : `${done.message} Nothing was changed.`;
        await respondOrDm(deps, actor.slackUserId, body.response_url, textMessage(said), true);
      }),
    };
  };
