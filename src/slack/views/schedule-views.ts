import type { KnownBlock, View } from '@slack/types';
import type { OffboardForm, ScheduledOffboarding } from '../../core/schedules/offboarding.js';
import type { ScheduledChange } from '../../core/schedules/scheduled-changes.js';
import type { StartChanged, StartDateForm } from '../../core/schedules/change-start.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { button, context, destructiveButton, esc, plain, section, textInput } from './kit.js';
import { VALUE } from './ids.js';
import { SCHEDULE } from './schedule-ids.js';

const hourText = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The offboarding form: the last day (a datepicker), optionally a delete N days later. */
export function offboardModal(form: OffboardForm): View {
  const { user, current } = form;
  return {
    type: 'modal',
    callback_id: SCHEDULE.offboardForm,
    private_metadata: `${user.id} ${current?.jobId ?? ''}`.trim(),
    title: plain('Offboard', 24),
    submit: plain(current ? 'Change' : 'Schedule', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `*${esc(user.displayName)}* \`${esc(user.userPrincipalName)}\`\nOn the last day at ${hourText(form.hour)} (${esc(form.timeZone)}): sign-in blocked, the password reset to one nobody is given, and every license removed (a mailbox is kept 30 days). The summary comes to you by DM.`,
      ),
      {
        type: 'input',
        block_id: 'lastDay',
        label: plain('Last day'),
        hint: plain(`In ${form.timeZone}; today is ${form.today} there.`),
        element: { type: 'datepicker', action_id: VALUE, initial_date: current?.lastDay ?? form.today },
      },
      textInput('deleteAfterDays', 'Delete the user after (days)', {
        optional: true,
        ...(current?.deleteAfterDays ? { initial: String(current.deleteAfterDays) } : {}),
        placeholder: 'Empty: keep the user',
        hint: '1 to 365 days after the last day; a deleted user can be restored for 30 days.',
      }),
    ],
  };
}

/** What the admin is told once the offboarding is scheduled. */
export function offboardScheduledText(s: ScheduledOffboarding): string {
  return `Scheduled: ${esc(s.userPrincipalName)} is offboarded on ${s.lastDay} at ${slackDateTime(s.runAt)} (the organization's hour in ${esc(s.timeZone)}): sign-in blocked, password reset, licenses removed${s.deleteAfterDays ? `, then deleted ${s.deleteAfterDays} days later` : ''}. \`/users scheduled\` to change or cancel it.`;
}

function changeLine(c: ScheduledChange): string {
  const what =
    c.kind === 'offboard'
      ? `*Offboard* \`${esc(c.userPrincipalName)}\`: last day ${c.lastDay}${c.deleteAfterDays ? `, deleted ${c.deleteAfterDays} days later` : ''}`
      : c.kind === 'start'
        ? `*Start* \`${esc(c.userPrincipalName)}\`: start date ${c.lastDay} (sign-in allowed, licenses assigned, credentials sent)`
        : `*Delete* \`${esc(c.userPrincipalName)}\` (offboarded on ${c.lastDay})`;
  const by = c.requestedBy.startsWith('cli:') ? esc(c.requestedBy) : `<@${esc(c.requestedBy)}>`;
  return `${what}\n${c.running ? 'Running now' : `At ${slackDateTime(c.runAt)}`} · by ${by}`;
}

/** `/users scheduled`: each change not run yet, with Change (offboardings) and Cancel for those who may. */
export function scheduledMessage(
  list: { changes: ScheduledChange[]; total: number; timeZone: string; hour: number },
  said?: string,
): { text: string; blocks: Blocks } {
  const blocks: KnownBlock[] = [];
  if (said) blocks.push(section(esc(said)));
  blocks.push(section(`*Scheduled changes* (run at ${hourText(list.hour)} in ${esc(list.timeZone)} on their day)`));
  if (list.total === 0)
    blocks.push(section("Nothing is scheduled. `/users offboard <user>` schedules an offboarding; a start date in `/users add` schedules a new user's start."));
  for (const c of list.changes) {
    blocks.push(section(changeLine(c)));
    if (!c.canChange) continue;
    blocks.push({
      type: 'actions',
      block_id: `scheduled_${c.id}`,
      elements: [
        ...(c.kind !== 'delete' ? [button('Change', SCHEDULE.change, undefined, c.id)] : []),
        destructiveButton('Cancel', SCHEDULE.cancel, c.id, cancelConfirmation(c)),
      ],
    });
  }
  if (list.total > list.changes.length)
    blocks.push(context(`${(list.total - list.changes.length).toLocaleString('en')} more later: \`roster users scheduled\` lists them all.`));
  const count = `${list.total.toLocaleString('en')} scheduled change${list.total === 1 ? '' : 's'}.`;
  const text = said ? `${said} ${count}` : count;
  return { text, blocks };
}

/** The confirmation of Cancel: what will not happen, and (a start) what the account is left as. */
function cancelConfirmation(c: ScheduledChange): { title: string; text: string; confirm: string; deny: string } {
  if (c.kind === 'start')
    return {
      title: 'Cancel the start',
      text: `${c.userPrincipalName} will not be started on ${c.lastDay}: the account stays blocked, without a license or a password anyone knows. Delete it, or allow sign-in and reset the password by hand.`,
      confirm: 'Cancel it',
      deny: 'Keep it',
    };
  return {
    title: c.kind === 'offboard' ? 'Cancel the offboarding' : 'Cancel the delete',
    text: `${c.userPrincipalName} will not be ${c.kind === 'offboard' ? 'offboarded' : 'deleted'} on that day.`,
    confirm: 'Cancel it',
    deny: 'Keep it',
  };
}

/** Change on a scheduled start: the start date (a datepicker). */
export function startDateModal(form: StartDateForm): View {
  return {
    type: 'modal',
    callback_id: SCHEDULE.startForm,
    private_metadata: form.jobId,
    title: plain('Change start date', 24),
    submit: plain('Change', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `\`${esc(form.userPrincipalName)}\` starts on the start date at ${hourText(form.hour)} (${esc(form.timeZone)}): sign-in allowed, the licenses assigned and the credentials sent. Today starts them now.`,
      ),
      {
        type: 'input',
        block_id: 'startDate',
        label: plain('Start date'),
        hint: plain(`In ${form.timeZone}; today is ${form.today} there.`),
        element: { type: 'datepicker', action_id: VALUE, initial_date: form.startDate },
      },
    ],
  };
}

/** What the admin is told once a start date is changed. */
export function startChangedText(s: StartChanged): string {
  return `Changed: ${esc(s.userPrincipalName)} starts on ${s.startDate} at ${slackDateTime(s.runAt)} (${esc(s.timeZone)}). \`/users scheduled\` to change or cancel it.`;
}
