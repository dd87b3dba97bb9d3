import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { buyLicenses } from '../../../core/licenses/buy-licenses.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { boughtMessage } from '../../views/licenses-message.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

export function buyLicensesSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const state = new ViewState(view.state.values as ViewStateValues);
    const quantity = (state.text('quantity') ?? '').trim();
    if (!/^\d+$/.test(quantity)) {
      await ack({ response_action: 'errors', errors: { quantity: 'Enter a whole number of licenses, such as 10.' } });
      return;
    }
    // The view id names this submission: delivered twice (a double click), it buys once.
    const result = await buyLicenses(deps.core, actor, { product: state.text('product') ?? '', quantity: Number(quantity), requestKey: `view:${view.id}` });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'product', message: result.message }], state, 'product') });
      return;
    }
    await ack({ response_action: 'update', view: messageModal('Licenses bought', boughtMessage(result).text) });
  };
}
