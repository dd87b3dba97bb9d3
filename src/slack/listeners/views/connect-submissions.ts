import { z } from 'zod';
import { checkConnection, confirmConnection } from '../../../core/microsoft/connect-organization.js';
import { checkConnectInput } from '../../../core/microsoft/connect-input.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { esc } from '../../views/kit.js';
import { CONNECT_TITLE, connectedModal, connectModal, connectReviewModal, MISSING } from '../../views/connect-views.js';
import { messageModal } from '../../views/message-modal.js';

/**
 * The Connect Microsoft 365 form submitted: its own mistakes go onto their fields at once; then the
 * ack ("Checking the tenant…") goes before anything external: the sign-in and the reads run after
 * it, and the modal shows what connecting will do, or the form again with what failed (the secret
 * is never put back, logged or shown).
 */
export function connectSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: CONNECT_TITLE, working: 'Checking the tenant… this takes a few seconds.' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = { tenant: state.text('tenant') ?? '', clientId: state.text('clientId') ?? '', clientSecret: state.text('clientSecret') ?? '' };
      const checked = checkConnectInput(input);
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [], state, 'tenant')) };
      return {
        reply: showView(messageModal(CONNECT_TITLE, `Signing in to *${esc(checked.tenant)}* and reading the tenant… this takes a few seconds.`)),
        after: change('check the tenant', async () => {
          const result = await checkConnection(deps.core, actor, deps.secretKey, checked);
          if (!result.ok) {
            await deps.slack.updateView(view.id, connectModal({ tenant: checked.tenant, clientId: checked.clientId, problem: result.message }));
            return;
          }
          await deps.slack.updateView(view.id, connectReviewModal(result.plan));
        }),
      };
    },
  };
}

const reviewSchema = z.object({ checkedAt: z.iso.datetime(), leftOut: z.number().int().min(0) });

/** Connect, on the review: connects as checked, queues the creation of the users not in the tenant (when chosen), or the first sync (the admin gets a DM when it ends). */
export function connectReviewSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: CONNECT_TITLE, working: 'Connecting…' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const review = reviewSchema.safeParse(JSON.parse(view.private_metadata || '{}'));
      if (!review.success) return { reply: showView(messageModal(CONNECT_TITLE, 'This form could not be read back: open `/users connect` again.')) };
      const chosen = state.selected('missing');
      const missing = chosen === MISSING.create ? 'create' : chosen === MISSING.leaveOut ? 'leave_out' : null;
      if (review.data.leftOut > 0 && !missing) return { reply: fieldErrors({ missing: 'Choose to create them in the tenant, or to leave them out.' }) };
      return {
        reply: showView(messageModal(CONNECT_TITLE, 'Connecting…')),
        after: change('connect the organization', async () => {
          const done = await confirmConnection(deps.core, actor, { checkedAt: new Date(review.data.checkedAt), missing }, { notify: actor.slackUserId });
          if (!done.ok) {
            await deps.slack.updateView(view.id, messageModal(CONNECT_TITLE, `${esc(done.message)} Nothing was changed.`));
            return;
          }
          deps.logger.info('organization connected to Microsoft 365', { team: actor.teamId, by: actor.slackUserId, job: done.createJobId ?? done.syncJobId });
          await deps.slack.updateView(view.id, connectedModal(done.tenantName, done.createJobId !== null));
        }),
      };
    },
  };
}
