import type { BlockAction } from '@slack/bolt';
import { checkSeatWarning, seatWarningForm, setSeatWarning } from '../../../core/tenant/set-seat-warning.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change, read } from '../../services/answer.js';
import { fieldErrors, type ActionArgs, type ViewListener } from '../../services/answering.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';
import { seatWarningModal } from '../../views/seat-warning-modal.js';

/** "Seat warning" on the App Home: the small form, for Global admins. */
export const openSeatWarningAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction>) => {
    const actor = actorFromBody(body);
    return {
      after: read('open the seat warning form', async () => {
        const form = await seatWarningForm(deps.core, actor);
        await deps.slack.openView(body.trigger_id, form.ok ? seatWarningModal(form.threshold) : messageModal('Seat warning', esc(form.message)));
      }),
    };
  };

/** The seat warning form: checked before the ack (problems on the field), set after it. */
export function seatWarningSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Seat warning', working: 'Saving the seat warning… you get a DM only if it cannot be saved.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const text = state.text('threshold') ?? '';
      const checked = await checkSeatWarning(deps.core, actor, text);
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'threshold', message: checked.message }], state, 'threshold')) };
      return {
        reply: { response_action: 'clear' },
        after: change('save the seat warning', async () => {
          const result = await setSeatWarning(deps.core, actor, text);
          if (!result.ok) await deps.slack.dm(actor.slackUserId, { text: esc(`The seat warning was not saved: ${result.message}`) });
        }),
      };
    },
  };
}
