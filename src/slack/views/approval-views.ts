import type { KnownBlock, View } from '@slack/types';
import type { ApprovalPolicyRecord } from '../../core/approvals/approval-policy.js';
import type { ApprovalLine } from '../../core/approvals/approval-requests.js';
import type { ViewedRequest } from '../../core/approvals/list-requests.js';
import type { Blocks } from '../slack-port.js';
import { APPROVAL } from './approval-ids.js';
import { slackDateTime } from './dates.js';
import { VALUE } from './ids.js';
import { button, context, destructiveButton, esc, option, plain, section, textInput } from './kit.js';

type Message = { text: string; blocks: Blocks };

const who = (id: string) => (id.startsWith('cli:') ? `\`${esc(id)}\`` : `<@${esc(id)}>`);

/** A request's state for Slack: "Approved by <@U…>", with what it came to or why it was denied, escaped. */
export function stateText(line: Pick<ApprovalLine, 'status' | 'decidedBy' | 'reason' | 'outcome'>): string {
  const by = line.decidedBy ? ` by ${who(line.decidedBy)}` : '';
  const said = (text: string | null) => (text ? `: ${esc(text)}` : '');
  switch (line.status) {
    case 'pending':
      return 'Pending approval';
    case 'approved':
    case 'running':
      return `Approved${by}; running`;
    case 'done':
      return `Approved${by}: done${said(line.outcome)}`;
    case 'failed':
      return `Approved${by}, but it failed${said(line.outcome)}`;
    case 'denied':
      return `Denied${by}${said(line.reason)}`;
    case 'cancelled':
      return 'Cancelled by the requester';
    case 'expired':
      return 'Expired: nobody approved it in time';
  }
}

/** What will change, line by line (never a secret: the summary holds none). */
function changeBlocks(line: ApprovalLine): KnownBlock[] {
  const lines = line.summary.lines.map((l) => `• ${esc(l)}`).join('\n');
  return [
    section(`*${esc(line.what)}*: ${esc(line.summary.title)}\n${lines}`),
    context(`Request \`${esc(line.id)}\` by ${who(line.requestedBy)} · expires ${slackDateTime(line.expiresAt)}`),
  ];
}

function approveDeny(id: string): KnownBlock {
  return {
    type: 'actions',
    block_id: `approval_${id}`,
    elements: [
      button('Approve', APPROVAL.approve, 'primary', id),
      destructiveButton('Deny', APPROVAL.deny, id, {
        title: 'Deny the request',
        text: 'Nothing will change; the requester is told (you may give a reason next).',
        confirm: 'Deny',
        deny: 'Back',
      }),
    ],
  };
}

/** The DM to each admin who may approve: exactly what will change, with Approve / Deny. */
export function approverMessage(line: ApprovalLine): Message {
  return {
    text: `${line.requestedBy.startsWith('cli:') ? esc(line.requestedBy) : `<@${esc(line.requestedBy)}>`} asks for your approval: ${esc(line.what)}: ${esc(line.summary.title)}`,
    blocks: [section(`${who(line.requestedBy)} asks a second admin to approve this change:`), ...changeBlocks(line), approveDeny(line.id)],
  };
}

/** The DM to the requester: pending, with Cancel. */
export function requesterMessage(line: ApprovalLine, approvers: number): Message {
  return {
    text: `Pending approval: ${esc(line.what)}: ${esc(line.summary.title)}`,
    blocks: [
      section(
        `*Pending approval.* Nothing changed yet: ${approvers > 0 ? `${approvers} admin${approvers === 1 ? '' : 's'} who may approve it ${approvers === 1 ? 'was' : 'were'} asked` : 'no admin who may approve it is linked to Slack yet; one can approve it with `roster approvals approve`'}.`,
      ),
      ...changeBlocks(line),
      {
        type: 'actions',
        block_id: `approval_mine_${line.id}`,
        elements: [
          destructiveButton('Cancel', APPROVAL.cancel, line.id, {
            title: 'Cancel the request',
            text: 'Nothing will change.',
            confirm: 'Cancel it',
            deny: 'Keep it',
          }),
        ],
      },
    ],
  };
}

/** A DM once the request is decided: its buttons gone, its state said ("Approved by <@U…>"). */
export function decidedMessage(line: ApprovalLine): Message {
  return {
    text: `${stateText(line)}: ${esc(line.what)}: ${esc(line.summary.title)}`,
    blocks: [...changeBlocks(line), section(`*${stateText(line)}*`)],
  };
}

/** What the requester is told when it is decided. */
export function outcomeText(line: ApprovalLine): string {
  return `Your request \`${esc(line.id)}\` (${esc(line.what)}: ${esc(line.summary.title)}): ${stateText(line)}`;
}

/** `/users approvals`: the pending requests the viewer made or may decide, with their buttons. */
export function approvalsMessage(requests: ViewedRequest[], said?: string): Message {
  const blocks: KnownBlock[] = [];
  if (said) blocks.push(section(esc(said)));
  blocks.push(section('*Approval requests*'));
  if (requests.length === 0) blocks.push(section('No request waits for you. Changes the approval policy covers (`/users policy`) show here.'));
  for (const r of requests) {
    blocks.push(...changeBlocks(r));
    if (r.status !== 'pending') blocks.push(context(stateText(r)));
    else if (r.canDecide) blocks.push(approveDeny(r.id));
    else if (r.canCancel)
      blocks.push({
        type: 'actions',
        block_id: `approval_mine_${r.id}`,
        elements: [
          destructiveButton('Cancel', APPROVAL.cancel, r.id, {
            title: 'Cancel the request',
            text: 'Nothing will change.',
            confirm: 'Cancel it',
            deny: 'Keep it',
          }),
        ],
      });
  }
  return { text: 'Approval requests', blocks: blocks.slice(0, 50) };
}

/** Deny: an optional reason, told to the requester. */
export function denyModal(line: ApprovalLine): View {
  return {
    type: 'modal',
    callback_id: APPROVAL.denyForm,
    private_metadata: line.id,
    title: plain('Deny the request', 24),
    submit: plain('Deny', 24),
    close: plain('Back', 24),
    blocks: [
      ...changeBlocks(line),
      textInput('reason', 'Reason (optional)', { optional: true, multiline: true, maxLength: 500, hint: 'The requester is told.' }),
    ],
  };
}

const CHANGES = [
  ['roleGrants', 'Giving an admin role'],
  ['deletes', 'Deleting users'],
  ['purges', 'Deleting users permanently (before their 30 days)'],
] as const;

/** `/users policy`: which changes need a second admin's approval, and how long a request stays valid. */
export function policyModal(policy: ApprovalPolicyRecord): View {
  const options = CHANGES.map(([value, text]) => option(text, value));
  const chosen = options.filter((o) => policy[o.value as (typeof CHANGES)[number][0]]);
  return {
    type: 'modal',
    callback_id: APPROVAL.policyForm,
    title: plain('Approval policy', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      section('A change the policy covers becomes a request: another admin who may make it must approve it before it runs. Nobody approves their own.'),
      {
        type: 'input',
        block_id: 'changes',
        optional: true,
        label: plain('Need approval'),
        element: { type: 'checkboxes', action_id: VALUE, options, ...(chosen.length ? { initial_options: chosen } : {}) },
      },
      textInput('bulkAbove', 'An import or Edit many of more than (users)', {
        optional: true,
        ...(policy.bulkAbove !== null ? { initial: String(policy.bulkAbove) } : {}),
        placeholder: 'Empty: never',
      }),
      textInput('seatsAbove', 'A license purchase of more than (seats)', {
        optional: true,
        ...(policy.seatsAbove !== null ? { initial: String(policy.seatsAbove) } : {}),
        placeholder: 'Empty: never',
      }),
      textInput('validHours', 'A request stays valid (hours)', {
        initial: String(policy.validHours),
        hint: '1 to 720; it then expires and the requester is told.',
      }),
    ],
  };
}
