import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { MemberActor } from '../../core/context.js';
import { changeSeatAlerts, type SeatAlertChange } from '../../core/licenses/change-seat-alerts.js';
import { queueReclaim } from '../../core/licenses/reclaim-job.js';
import { reclaimReport } from '../../core/licenses/reclaim-report.js';
import { keepLicensedUsers, reclaimOne } from '../../core/licenses/reclaim-user.js';
import { seatAlerts } from '../../core/licenses/seat-alerts.js';
import type { ListenerDeps } from '../deps.js';
import { actorFromBody } from '../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../parse/view-state.js';
import { change, read } from '../services/answer.js';
import { fieldErrors, type ActionArgs, type Answering } from '../services/answering.js';
import { respondOrDm } from '../services/respond-or-dm.js';
import { esc, textMessage } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';
import { reclaimReportMessage } from '../views/reclaim-views.js';
import { productAlertModal, seatAlertsMessage } from '../views/seat-alert-views.js';
import { SEATS } from '../views/seat-ids.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/** The report again where it was (in place of the message), saying what was done; from elsewhere, by DM. */
async function showReport(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, said: string | undefined, replace: boolean) {
  const report = await reclaimReport(deps.core, actor);
  await respondOrDm(deps, actor.slackUserId, responseUrl, report.ok ? reclaimReportMessage(report, said) : textMessage(report.message), replace);
}

async function showAlerts(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, said: string | undefined, replace: boolean) {
  const overview = await seatAlerts(deps.core, actor);
  await respondOrDm(deps, actor.slackUserId, responseUrl, overview.ok ? seatAlertsMessage(overview, said) : textMessage(overview.message), replace);
}

/**
 * The seat alerts and reclaim surfaces (issue 17): the buttons under `/licenses`, Set alert and its
 * form, and the report's Keep, Reclaim and Reclaim all (the red ones after Slack's confirmation).
 */
export function registerSeatListeners(on: Answering): void {
  on.action(SEATS.showAlerts, (deps) => ({ body }: Args) => ({
    after: read('show the seat alerts', () => showAlerts(deps, actorFromBody(body), body.response_url, undefined, false)),
  }));
  on.action(SEATS.showReclaim, (deps) => ({ body }: Args) => ({
    after: read('show the reclaim report', () => showReport(deps, actorFromBody(body), body.response_url, undefined, false)),
  }));

  on.action(SEATS.openProductAlert, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const skuId = body.actions[0]?.value ?? '';
    return {
      after: read('open the seat alert form', async () => {
        const overview = await seatAlerts(deps.core, actor);
        const product = overview.ok ? overview.products.find((p) => p.product.skuId === skuId) : undefined;
        await deps.slack.openView(
          body.trigger_id,
          overview.ok && product
            ? productAlertModal(product, overview.defaultThreshold, `${product.product.partNumber} ${body.response_url ?? ''}`.trim())
            : messageModal('Seat alert', esc(overview.ok ? 'That product is gone. Run `/licenses alerts` again.' : overview.message)),
        );
      }),
    };
  });

  on.view(SEATS.productAlert, (deps) => ({
    look: { title: 'Seat alert', working: 'Saving the seat alert… you get a DM only if it cannot be saved.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const [product = '', responseUrl] = view.private_metadata.split(' ');
      const state = new ViewState(view.state.values as ViewStateValues);
      const seats = (state.text('threshold') ?? '').trim();
      const wanted: SeatAlertChange = seats === '' ? { remove: { product } } : { set: { product, seats } };
      const checked = await changeSeatAlerts(deps.core, actor, wanted, { dryRun: true });
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'threshold', message: checked.message }], state, 'threshold')) };
      return {
        reply: { response_action: 'clear' },
        after: change('save the seat alert', async () => {
          const result = await changeSeatAlerts(deps.core, actor, wanted);
          if (!result.ok) await deps.slack.dm(actor.slackUserId, { text: esc(`The seat alert was not saved: ${result.message}`) });
          else await showAlerts(deps, actor, responseUrl, `${result.summary}.`, true);
        }),
      };
    },
  }));

  on.action(SEATS.keepUser, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const userId = body.actions[0]?.value ?? '';
    return {
      after: change('keep the licenses', async () => {
        const kept = await keepLicensedUsers(deps.core, actor, { users: { ids: [userId] } });
        const said = kept.ok ? `Kept ${kept.kept.join(', ')}: not proposed again for now.` : `${kept.message}`;
        await showReport(deps, actor, body.response_url, said, true);
      }),
    };
  });

  on.action(SEATS.reclaimUser, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const userId = body.actions[0]?.value ?? '';
    return {
      after: change('reclaim the licenses', async () => {
        const result = await reclaimOne(deps.core, actor, userId);
        const said = !result.ok
          ? `${result.message} Nothing was taken.`
          : 'done' in result
            ? `Reclaimed ${result.done.skuIds.length === 1 ? 'a license' : `${result.done.skuIds.length} licenses`} from ${result.done.userPrincipalName}.`
            : result.notDone.reason;
        await showReport(deps, actor, body.response_url, said, true);
      }),
    };
  });

  on.action(SEATS.reclaimAll, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const [count = '', fingerprint = ''] = (body.actions[0]?.value ?? '').split(' ');
    return {
      after: change('reclaim the licenses', async () => {
        const queued = await queueReclaim(deps.core, actor, { count: Number(count), fingerprint }, { queue: 'app' });
        if (!queued.ok) return showReport(deps, actor, body.response_url, queued.message, true);
        const text = `Reclaiming the licenses of ${queued.users.toLocaleString('en')} user${queued.users === 1 ? '' : 's'}: the results come as one DM from Roster.`;
        await respondOrDm(deps, actor.slackUserId, body.response_url, textMessage(text), true);
      }),
    };
  });
}
