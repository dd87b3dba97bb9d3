import type { BlockAction, ButtonAction } from '@slack/bolt';
import { importSeatShortfall } from '../../../core/bulk/import-shortfall.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { refreshImportPreview } from '../../services/import-preview-refresh.js';
import { buyLicensesModal } from '../../views/buy-licenses-modal.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

/**
 * "Buy N more" on an import preview: the purchase form, filled in with the product and the number
 * the import is short of now, for an admin who may buy (the core decides; anyone else is told why).
 * The purchase (buy-licenses-submission.ts) then brings the preview up to date.
 */
export const buyForImportAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction<ButtonAction>>) => {
    const actor = actorFromBody(body);
    const [jobId = '', skuId = ''] = (body.actions[0]?.value ?? '').split(' ');
    return {
      after: read('open the Buy licenses form', async () => {
        const shortfall = await importSeatShortfall(deps.core, actor, jobId, skuId);
        if (!shortfall.ok) {
          await deps.slack.openView(body.trigger_id, messageModal('Buy licenses', esc(shortfall.message)));
          return;
        }
        const { product, missing, available, rowsReady } = shortfall;
        if (missing === 0) {
          await deps.slack.openView(
            body.trigger_id,
            messageModal('Buy licenses', esc(`There are enough ${product.displayName} licenses now: ${available} available for ${rowsReady} users.`)),
          );
          await refreshImportPreview(deps, actor, jobId);
          return;
        }
        await deps.slack.openView(body.trigger_id, buyLicensesModal({ product: product.partNumber, quantity: missing, forImport: jobId }));
      }),
    };
  };
