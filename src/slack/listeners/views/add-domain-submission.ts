import { changeDomain } from '../../../core/domains/change-domains.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, type ViewListener } from '../../services/answering.js';
import { showDomains } from '../actions/domain-actions.js';
import { DOMAIN_DONE } from '../commands/domains-command.js';

/** The Add domain form submitted: rehearsed (its problem on the field), then added after the ack; the list shows its TXT record. */
export function addDomainSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Add domain', working: 'Adding the domain…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const name = new ViewState(view.state.values as ViewStateValues).text('domain') ?? '';
      const rehearsal = await changeDomain(deps.core, actor, 'add', name, { dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors({ domain: rehearsal.message }) };
      const responseUrl = view.private_metadata || undefined;
      return {
        after: change('add the domain', async () => {
          const result = await changeDomain(deps.core, actor, 'add', name);
          await showDomains(deps, actor, responseUrl, result.ok ? DOMAIN_DONE.add(result.domain.name) : `${result.message} Nothing was changed.`);
        }),
      };
    },
  };
}
