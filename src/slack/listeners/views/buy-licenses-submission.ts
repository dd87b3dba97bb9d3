import { buyLicenses } from '../../../core/licenses/buy-licenses.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { esc } from '../../views/kit.js';
import { boughtMessage } from '../../views/licenses-message.js';
import { messageModal } from '../../views/message-modal.js';
import { importOfPurchase } from '../../views/buy-licenses-modal.js';
import { refreshImportPreview } from '../../services/import-preview-refresh.js';
import { describeError } from '../../../log.js';

/**
 * The Buy licenses form: a rehearsal of the purchase decides the ack; the purchase follows it (one
 * per submission), then the import preview it was opened from, if any, is brought up to date.
 */
export function buyLicensesSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Buy licenses', working: 'Buying the licenses… the result follows here.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const quantity = (state.text('quantity') ?? '').trim();
      if (!/^\d+$/.test(quantity)) return { reply: fieldErrors({ quantity: 'Enter a whole number of licenses, such as 10.' }) };
      // The view id names this submission: delivered twice (a double click), it buys once.
      const input = { product: state.text('product') ?? '', quantity: Number(quantity), requestKey: `view:${view.id}` };
      const rehearsal = await buyLicenses(deps.core, actor, { ...input, dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'product', message: rehearsal.message }], state, 'product')) };
      return {
        reply: showView(messageModal('Licenses bought', boughtMessage(rehearsal).text)),
        after: change('buy the licenses', async () => {
          const result = await buyLicenses(deps.core, actor, input);
          if (!result.ok) {
            await deps.slack.updateView(
              view.id,
              messageModal('Buy licenses', esc(result.code === 'pending_approval' ? result.message : `Nothing was bought: ${result.message}`)),
            );
            return;
          }
          // Bought from an import preview: the preview shows the seats now at hand.
          const importJobId = importOfPurchase(view.private_metadata);
          if (importJobId)
            await refreshImportPreview(deps, actor, importJobId).catch((error) =>
              deps.logger.warn('import preview not updated after a purchase', { job: importJobId, ...describeError(error) }),
            );
        }),
      };
    },
  };
}
