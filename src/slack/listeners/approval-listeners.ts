import type { BlockAction, ButtonAction } from '@slack/bolt';
import { approvalPolicyForm, setApprovalPolicy } from '../../core/approvals/approval-policy.js';
import { approveRequest } from '../../core/approvals/approve-request.js';
import { cancelRequest } from '../../core/approvals/cancel-request.js';
import { denyRequest } from '../../core/approvals/deny-request.js';
import { listApprovalRequests, showApprovalRequest } from '../../core/approvals/list-requests.js';
import type { MemberActor } from '../../core/context.js';
import type { ListenerDeps } from '../deps.js';
import type { Blocks } from '../slack-port.js';
import { actorFromBody } from '../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../parse/view-state.js';
import { change, read, type Plan } from '../services/answer.js';
import { ephemeral, fieldErrors, type ActionArgs, type Answering, type CommandReply } from '../services/answering.js';
import { respondOrDm } from '../services/respond-or-dm.js';
import { APPROVAL } from '../views/approval-ids.js';
import { approvalsMessage, decidedMessage, denyModal, policyModal } from '../views/approval-views.js';
import { esc, textMessage } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/** `/users approvals`: the pending requests the member made or may decide, with their buttons. */
export async function approvalsCommand(deps: ListenerDeps, actor: MemberActor): Promise<Plan<CommandReply>> {
  const result = await listApprovalRequests(deps.core, actor);
  return { reply: ephemeral(result.ok ? approvalsMessage(result.requests) : textMessage(result.message)) };
}

/** `/users policy`: the form (Global admins; anyone else is told why, in the reply). */
export async function policyCommand(deps: ListenerDeps, actor: MemberActor, triggerId: string): Promise<Plan<CommandReply>> {
  const form = await approvalPolicyForm(deps.core, actor);
  if (!form.ok) return { reply: ephemeral(textMessage(form.message)) };
  return { after: read('open the approval policy form', async () => void (await deps.slack.openView(triggerId, policyModal(form.policy)))) };
}

/** Where a decision is shown: in place of the message its button was on (a DM, `/users approvals`), else by DM. */
async function show(deps: ListenerDeps, actor: MemberActor, responseUrl: string | undefined, message: { text: string; blocks?: Blocks }, replace: boolean) {
  await respondOrDm(deps, actor.slackUserId, responseUrl, message, replace);
}

/**
 * Two-person approval in Slack (issue 17 item 1): Approve, Deny (then its optional reason) and
 * Cancel on the DMs and in `/users approvals`, and the `/users policy` form. Each button is acked
 * at once and decided by the core after it; the message it was on then says what happened.
 */
export function registerApprovalListeners(on: Answering): void {
  on.action(APPROVAL.approve, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: change('approve the request', async () => {
        const result = await approveRequest(deps.core, actor, id);
        if (result.ok) await show(deps, actor, body.response_url, decidedMessage(result.request), true);
        else await show(deps, actor, body.response_url, textMessage(result.message), false);
      }),
    };
  });

  on.action(APPROVAL.deny, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: read('open the deny form', async () => {
        const found = await showApprovalRequest(deps.core, actor, id);
        const refusal = !found.ok
          ? found.message
          : found.request.canDecide
            ? null
            : found.request.status !== 'pending'
              ? 'This request is not pending any more.'
              : 'You may not decide this request.';
        await deps.slack.openView(body.trigger_id, found.ok && !refusal ? denyModal(found.request) : messageModal('Deny the request', esc(refusal ?? '')));
      }),
    };
  });

  on.action(APPROVAL.cancel, (deps) => ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: change('cancel the request', async () => {
        const result = await cancelRequest(deps.core, actor, id);
        if (result.ok) await show(deps, actor, body.response_url, decidedMessage(result.request), true);
        else await show(deps, actor, body.response_url, textMessage(result.message), false);
      }),
    };
  });

  on.view(APPROVAL.denyForm, (deps) => ({
    look: { title: 'Deny the request', working: 'Denying… the requester is told.' },
    plan({ body, view }) {
      const actor = actorFromBody(body);
      const reason = new ViewState(view.state.values as ViewStateValues).text('reason') ?? '';
      if (reason.length > 500) return { reply: fieldErrors({ reason: 'At most 500 characters.' }) };
      return {
        reply: { response_action: 'clear' },
        after: change('deny the request', async () => {
          const result = await denyRequest(deps.core, actor, view.private_metadata, reason);
          if (!result.ok) await deps.slack.dm(actor.slackUserId, textMessage(`The request was not denied: ${result.message}`));
        }),
      };
    },
  }));

  on.view(APPROVAL.policyForm, (deps) => ({
    look: { title: 'Approval policy', working: 'Saving the policy…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const changes = state.selectedMany('changes');
      const input = {
        roleGrants: changes.includes('roleGrants'),
        deletes: changes.includes('deletes'),
        purges: changes.includes('purges'),
        bulkAbove: state.text('bulkAbove') ?? '',
        seatsAbove: state.text('seatsAbove') ?? '',
        validHours: state.text('validHours') ?? '',
      };
      // One short transaction: saved before the ack, so a problem is shown on its field.
      const saved = await setApprovalPolicy(deps.core, actor, input);
      if (!saved.ok) return { reply: fieldErrors(viewErrors(saved.fields ?? [{ field: 'validHours', message: saved.message }], state, 'validHours')) };
      const said = saved.lines.length
        ? `Saved. These need a second admin's approval: ${saved.lines.join('; ')}. A request stays valid ${saved.policy.validHours} hours.`
        : "Saved. No change needs a second admin's approval.";
      return { reply: { response_action: 'update', view: messageModal('Approval policy', esc(said)) } };
    },
  }));
}
