import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Blocks } from '../../slack-port.js';
import { changeDomain, type DomainChange } from '../../../core/domains/change-domains.js';
import { listDomains } from '../../../core/domains/list-domains.js';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change, read } from '../../services/answer.js';
import { respondOrDm } from '../../services/respond-or-dm.js';
import type { ActionArgs } from '../../services/answering.js';
import { addDomainModal, domainsMessage } from '../../views/domains-message.js';
import { esc, textMessage } from '../../views/kit.js';
import { DOMAIN_DONE } from '../commands/domains-command.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/** The list again where it was (in place of the message), saying what was done; from elsewhere, by DM. */
export async function showDomains(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, said: string): Promise<void> {
  const listed = await listDomains(deps.core, actor);
  const saying: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: esc(said) }] };
  const shown: { text: string; blocks?: Blocks } = listed.ok
    ? { text: esc(said), blocks: [saying, ...domainsMessage(listed.organizationName, listed.domains, listed.canManage, listed.connected).blocks] }
    : textMessage(`${said} ${listed.message}`);
  await respondOrDm(deps, actor.slackUserId, responseUrl, shown, true);
}

/** Verify, Make default and Remove under `/users domains` (Remove after Slack's confirmation dialog). */
export const domainChangeAction =
  (deps: ListenerDeps, what: Exclude<DomainChange, 'add'>) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    const name = body.actions[0]?.value ?? '';
    return {
      after: change(`${what} the domain`, async () => {
        const result = await changeDomain(deps.core, actor, what, name);
        await showDomains(deps, actor, body.response_url, result.ok ? DOMAIN_DONE[what](result.domain.name) : `${result.message} Nothing was changed.`);
      }),
    };
  };

/** Add domain: its form, which answers in the list it was opened from. */
export const addDomainAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => ({
    after: read('open the Add domain form', async () => {
      await deps.slack.openView(body.trigger_id, addDomainModal(body.response_url));
    }),
  });
