import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { MemberActor } from '../../core/context.js';
import { offboardForm, scheduleOffboarding } from '../../core/schedules/offboarding.js';
import { cancelScheduledChange, listScheduledChanges, scheduledChange } from '../../core/schedules/scheduled-changes.js';
import type { TargetRef } from '../../core/users/edit-user-target.js';
import type { ListenerDeps } from '../deps.js';
import { actorFromBody } from '../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../parse/view-state.js';
import { change, read } from '../services/answer.js';
import { fieldErrors, type ActionArgs, type Answering } from '../services/answering.js';
import { respondOrDm } from '../services/respond-or-dm.js';
import { esc, textMessage } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';
import { SCHEDULE } from '../views/schedule-ids.js';
import { offboardModal, offboardScheduledText, scheduledMessage, startChangedText, startDateModal } from '../views/schedule-views.js';
import { changeStartDate, startDateForm } from '../../core/schedules/change-start.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/** Opens the offboarding form for this user (or the refusal, in a small modal). */
export async function openOffboardForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, user: TargetRef, changing?: string): Promise<void> {
  const form = await offboardForm(deps.core, actor, user, changing);
  await deps.slack.openView(triggerId, form.ok ? offboardModal(form.form) : messageModal('Offboard', esc(form.message)));
}

/** `/users scheduled` again where it was, saying what was done; from elsewhere, by DM. */
export async function showScheduled(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, said?: string, replace = true) {
  const list = await listScheduledChanges(deps.core, actor);
  await respondOrDm(deps, actor.slackUserId, responseUrl, list.ok ? scheduledMessage(list, said) : textMessage(list.message), replace);
}

/**
 * Scheduled offboarding (issue 17 item 3): the form (from `/users offboard`, "Offboard…" under a
 * user's details, or Change), checked before the ack and scheduled after it; Cancel in `/users scheduled`.
 */
export function registerScheduleListeners(on: Answering): void {
  on.view(SCHEDULE.offboardForm, (deps) => ({
    look: { title: 'Offboard', working: 'Scheduling the offboarding… the result comes by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const [userId = '', replacing] = view.private_metadata.split(' ');
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = {
        user: { userId },
        lastDay: state.date('lastDay') ?? '',
        deleteAfterDays: state.text('deleteAfterDays') ?? null,
        ...(replacing ? { replacing } : {}),
      };
      const checked = await scheduleOffboarding(deps.core, actor, { ...input, dryRun: true });
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'lastDay', message: checked.message }], state, 'lastDay')) };
      return {
        reply: { response_action: 'clear' },
        after: change('schedule the offboarding', async () => {
          const done = await scheduleOffboarding(deps.core, actor, input);
          await deps.slack.dm(
            actor.slackUserId,
            done.ok ? { text: offboardScheduledText(done) } : textMessage(`The offboarding was not scheduled: ${done.message}`),
          );
        }),
      };
    },
  }));

  on.view(SCHEDULE.startForm, (deps) => ({
    look: { title: 'Change start date', working: 'Changing the start date… the result comes by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const jobId = view.private_metadata;
      const state = new ViewState(view.state.values as ViewStateValues);
      const startDate = state.date('startDate') ?? '';
      const checked = await changeStartDate(deps.core, actor, jobId, startDate, { dryRun: true });
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [{ field: 'startDate', message: checked.message }], state, 'startDate')) };
      return {
        reply: { response_action: 'clear' },
        after: change('change the start date', async () => {
          const done = await changeStartDate(deps.core, actor, jobId, startDate);
          await deps.slack.dm(actor.slackUserId, done.ok ? { text: startChangedText(done) } : textMessage(`The start date was not changed: ${done.message}`));
        }),
      };
    },
  }));

  on.action(SCHEDULE.openOffboard, (deps) => ({ body }: Args) => ({
    after: read('open the offboarding form', () => openOffboardForm(deps, actorFromBody(body), body.trigger_id, { userId: body.actions[0]?.value ?? '' })),
  }));

  on.action(SCHEDULE.change, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: read('open the change form', async () => {
        const found = await scheduledChange(deps.core, actor, id);
        if (!found.ok) return showScheduled(deps, actor, body.response_url, found.message);
        if (found.change.kind === 'start') {
          const form = await startDateForm(deps.core, actor, id);
          await deps.slack.openView(body.trigger_id, form.ok ? startDateModal(form.form) : messageModal('Change start date', esc(form.message)));
          return;
        }
        await openOffboardForm(deps, actor, body.trigger_id, { userId: found.change.userId }, id);
      }),
    };
  });

  on.action(SCHEDULE.cancel, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: change('cancel the scheduled change', async () => {
        const result = await cancelScheduledChange(deps.core, actor, id);
        const c = result.ok ? result.change : null;
        const said = c
          ? c.kind === 'start'
            ? `Cancelled: ${c.userPrincipalName} will not be started on ${c.lastDay}. The account stays blocked, without a license or a password anyone knows: delete it, or allow sign-in and reset the password by hand.`
            : `Cancelled: ${c.userPrincipalName} will not be ${c.kind === 'offboard' ? 'offboarded' : 'deleted'} on that day.`
          : result.ok
            ? ''
            : result.message;
        await showScheduled(deps, actor, body.response_url, said);
      }),
    };
  });
}
