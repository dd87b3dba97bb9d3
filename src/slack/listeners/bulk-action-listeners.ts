import { z } from 'zod';
import { BULK_ACTIONS, isBulkAction, MAX_BULK_USERS } from '../../core/users/bulk-action-input.js';
import { planBulkAction } from '../../core/users/bulk-actions.js';
import { actorFromBody } from '../parse/actor.js';
import { selectedRows } from '../parse/selected-rows.js';
import { ViewState, type ViewStateValues } from '../parse/view-state.js';
import { change, read } from '../services/answer.js';
import { fieldErrors, showView, type Answering } from '../services/answering.js';
import { openBulkConfirmation, runBulkActionFromSlack } from '../services/bulk-action-forms.js';
import { REQUIRE_CHANGE } from '../views/add-user-modal.js';
import { bulkActionTitle, bulkWorkingText } from '../views/bulk-action-views.js';
import { BULK } from '../views/bulk-ids.js';
import { esc } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';

/** What Roster's own confirmation carries; anything unreadable acts on nobody. */
const metadataSchema = z.object({ action: z.enum(BULK_ACTIONS), ids: z.array(z.string().min(1)).min(1).max(MAX_BULK_USERS) });

function readMetadata(text: string): z.infer<typeof metadataSchema> | null {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The bulk actions: a button under a list's ticked rows (users, or deleted users for Restore
 * selected) opens its confirmation; confirming acks at once and hands the work to a job, whose
 * results come as one DM.
 */
export function registerBulkActionListeners(on: Answering): void {
  on.action(BULK.buttons, (deps) => ({ body }) => {
    const action = (body.actions[0] as { action_id?: string } | undefined)?.action_id?.match(BULK.buttons)?.[1] ?? '';
    if (!isBulkAction(action)) return {};
    const actor = actorFromBody(body);
    const picked = selectedRows(body, action === 'restore' ? BULK.deletedRows : BULK.userRows);
    return { after: read('open the confirmation', () => openBulkConfirmation(deps, actor, body.trigger_id, action, picked)) };
  });

  on.view(BULK.confirm, (deps) => ({
    look: { title: 'Bulk action', working: 'Working on it… the results follow in one DM from Roster.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const meta = readMetadata(view.private_metadata);
      if (!meta) return { reply: showView(messageModal('Bulk action', 'This confirmation could not be read back: tick the users again.')) };
      const title = bulkActionTitle(meta.action);
      const state = new ViewState(view.state.values as ViewStateValues);
      const options =
        meta.action === 'reset_password'
          ? {
              requirePasswordChange: state.selectedMany('requirePasswordChange').includes(REQUIRE_CHANGE),
              credentialRecipients: state.users('credentialRecipients'),
            }
          : {};
      const input = { action: meta.action, users: { ids: meta.ids }, options };
      const planned = await planBulkAction(deps.core, actor, input);
      if (!planned.ok) {
        const recipients = planned.fields?.find((f) => f.field === 'credentialRecipients');
        if (recipients && state.has('credentialRecipients')) return { reply: fieldErrors({ credentialRecipients: recipients.message }) };
        return { reply: showView(messageModal(title, esc(`Nothing was done: ${planned.message}`))) };
      }
      return {
        reply: showView(messageModal(title, bulkWorkingText(meta.action, meta.ids.length))),
        after: change(title.toLowerCase(), () => runBulkActionFromSlack(deps, actor, input)),
      };
    },
  }));
}
