import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { queryAudit } from '../../../core/audit/query-audit.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { auditMessage } from '../../views/audit-message.js';
import { textMessage } from '../../views/kit.js';
import type { Blocks } from '../../slack-port.js';

const nextPage = z.object({
  user: z.string().optional(),
  by: z.string().optional(),
  action: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  page: z.string(),
});

/** **Next** under `/users audit`: the next page, in place of this one (the filters ride in the button). */
export const auditNextAction =
  (deps: ListenerDeps) =>
  ({ body, respond }: ActionArgs<BlockAction<ButtonAction>>) => {
    const actor = actorFromBody(body);
    return {
      after: read('show the next page of the audit', async () => {
        const parsed = nextPage.safeParse(JSON.parse(body.actions[0]?.value ?? '{}'));
        if (!parsed.success) return;
        const query = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
        const filtersText = ['user', 'by', 'action', 'since', 'until']
          .filter((key) => query[key])
          .map((key) => `${key}:${query[key]}`)
          .join(' ');
        const page = await queryAudit(deps.core, actor, query);
        const message: { text: string; blocks?: Blocks } = page.ok ? auditMessage(page, query, filtersText) : textMessage(page.message);
        if (body.response_url)
          await respond({ response_type: 'ephemeral', replace_original: page.ok, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
        else await deps.slack.dm(actor.slackUserId, message);
      }),
    };
  };
