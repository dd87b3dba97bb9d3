import { z } from 'zod';
import { deleteCustomView, listCustomViews } from '../../../core/views/custom-view-admin.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import { respondOrDm } from '../../services/respond-or-dm.js';
import type { ViewListener } from '../../services/answering.js';
import { customViewsMessage } from '../../views/custom-views.js';
import { esc, textMessage } from '../../views/kit.js';

const metadata = z.object({ id: z.string().min(1), responseUrl: z.string().url().optional() });

/**
 * "Delete" confirmed in the Delete view modal: the modal closes, the view is deleted after the ack,
 * and the `/users views` message it came from shows the list again in place (its response_url,
 * kept in the modal); without one (older than Slack keeps it, or from a DM), a DM says what happened.
 */
export function deleteViewSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Delete view', working: 'Deleting the view…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const kept = metadata.safeParse(JSON.parse(view.private_metadata || '{}'));
      if (!kept.success) return {};
      const { id, responseUrl } = kept.data;
      return {
        after: change('delete the view', async () => {
          const deleted = await deleteCustomView(deps.core, actor, id);
          const list = await listCustomViews(deps.core, actor);
          const message = !deleted.ok
            ? textMessage(`The view was not deleted: ${deleted.message}`)
            : list.ok
              ? { ...customViewsMessage(list.organizationName, list.views, list.canManage), text: esc(`Deleted the view "${deleted.name}".`) }
              : textMessage(`Deleted the view "${deleted.name}".`);
          await respondOrDm(deps, actor.slackUserId, responseUrl, message, deleted.ok);
        }),
      };
    },
  };
}
