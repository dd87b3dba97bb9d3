import { changeDomain, DOMAIN_CHANGES, type DomainChange } from '../../../core/domains/change-domains.js';
import { listDomains } from '../../../core/domains/list-domains.js';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { domainsMessage } from '../../views/domains-message.js';
import { textMessage } from '../../views/kit.js';

/** What each change says once rehearsed (the ack's answer). */
export const DOMAIN_DONE: Record<DomainChange, (name: string) => string> = {
  add: (name) => `Added ${name}. To verify it, add the TXT record shown below at your DNS host, then press Verify.`,
  verify: (name) => `Verified ${name}: users can now have usernames on it.`,
  default: (name) => `${name} is now the default domain: it is offered first for new users.`,
  remove: (name) => `Removed ${name}.`,
};

/**
 * `/users domains`: the list (any admin role); `/users domains add|verify|default|remove <domain>`
 * (Global admins): rehearsed before the ack, which answers with the list as it will be; made after it.
 */
export async function domainsCommand(deps: ListenerDeps, actor: MemberActor, words: string[], tell: FollowUp): Promise<Plan<CommandReply>> {
  const [verb = '', name = ''] = words;
  const wanted = verb.toLowerCase();
  if (wanted === '' || wanted === 'list') {
    const listed = await listDomains(deps.core, actor);
    return {
      reply: ephemeral(listed.ok ? domainsMessage(listed.organizationName, listed.domains, listed.canManage, listed.connected) : textMessage(listed.message)),
    };
  }
  if (!(DOMAIN_CHANGES as readonly string[]).includes(wanted))
    return { reply: ephemeral(textMessage(`Roster doesn't know \`/users domains ${verb}\`: use add, verify, default or remove, followed by the domain.`)) };
  const what = wanted as DomainChange;
  const rehearsal = await changeDomain(deps.core, actor, what, name, { dryRun: true });
  if (!rehearsal.ok) return { reply: ephemeral(textMessage(rehearsal.message)) };
  return {
    reply: ephemeral(textMessage(DOMAIN_DONE[what](rehearsal.domain.name))),
    after: change(`${what} the domain`, async () => {
      const result = await changeDomain(deps.core, actor, what, name);
      if (!result.ok) return tell(textMessage(`${result.message} Nothing was changed.`));
      const listed = await listDomains(deps.core, actor);
      if (listed.ok) await tell(domainsMessage(listed.organizationName, listed.domains, listed.canManage, listed.connected));
    }),
  };
}
