import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { seatWarningForm, setSeatWarning } from '../../../core/tenant/set-seat-warning.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { afterAck } from '../../services/after-ack.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';
import { seatWarningModal } from '../../views/seat-warning-modal.js';

/** "Seat warning" on the App Home: the small form, for Global admins. */
export const openSeatWarningAction =
  (deps: ListenerDeps) =>
  async ({ ack, body }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const actor = actorFromBody(body);
    await afterAck(deps, actor.slackUserId, 'open the seat warning form', async () => {
      const form = await seatWarningForm(deps.core, actor);
      await deps.slack.openView(body.trigger_id, form.ok ? seatWarningModal(form.threshold) : messageModal('Seat warning', esc(form.message)));
    });
  };

export function seatWarningSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const state = new ViewState(view.state.values as ViewStateValues);
    const result = await setSeatWarning(deps.core, actorFromBody(body), state.text('threshold') ?? '');
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'threshold', message: result.message }], state, 'threshold') });
      return;
    }
    await ack({ response_action: 'clear' });
  };
}
