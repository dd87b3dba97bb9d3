import { checkAuditRetention, setAuditRetention } from '../../../core/audit/audit-retention.js';
import { parseAuditFilters, queryAudit } from '../../../core/audit/query-audit.js';
import type { MemberActor } from '../../../core/context.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { auditMessage } from '../../views/audit-message.js';
import { textMessage } from '../../views/kit.js';

/**
 * `/users audit [user:… by:… action:… since:… until:…]`: a page of the audit, answered in the ack;
 * `/users audit retention <days|forever>`: how long records are kept (checked before the ack, set after).
 */
export async function auditCommand(deps: ListenerDeps, actor: MemberActor, text: string, tell: FollowUp): Promise<Plan<CommandReply>> {
  const [first = '', ...rest] = text.trim().split(/\s+/);
  if (first.toLowerCase() === 'retention') {
    const wanted = rest.join(' ');
    const checked = await checkAuditRetention(deps.core, actor, wanted);
    if (!checked.ok) return { reply: ephemeral(textMessage(checked.message)) };
    const kept = (days: number | null) => (days === null ? 'forever' : `${days} days`);
    return {
      reply: ephemeral(
        textMessage(
          `Audit records are now kept ${kept(checked.days)} (they were kept ${kept(checked.current)}).${checked.days === null ? '' : ' Older ones are removed within the hour, for good.'}`,
        ),
      ),
      after: change('set the audit retention', async () => {
        const result = await setAuditRetention(deps.core, actor, wanted);
        if (!result.ok) await tell(textMessage(`The audit retention was not changed: ${result.message}`));
      }),
    };
  }
  const filters = parseAuditFilters(text);
  if (!filters.ok) return { reply: ephemeral(textMessage(filters.message)) };
  const page = await queryAudit(deps.core, actor, filters);
  return { reply: ephemeral(page.ok ? auditMessage(page, filters, text.trim()) : textMessage(page.message)) };
}
