import type { MemberActor } from '../../../core/context.js';
import { organizationSettings, type OrganizationSettings } from '../../../core/tenant/organization-settings.js';
import { checkPasswordExpiry, setPasswordExpiry } from '../../../core/tenant/password-expiry.js';
import { setScheduleHour, setTimeZone } from '../../../core/tenant/schedule-settings.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { esc, textMessage } from '../../views/kit.js';

const expiry = (days: number) => (days === 0 ? 'never expire' : `expire after ${days} days`);

function settingsText(s: OrganizationSettings): string {
  const lines = [
    `*Settings: ${esc(s.organizationName)}*`,
    `• Passwords ${expiry(s.passwordExpiryDays)}${s.canChange ? esc(' (`/users settings password-expiry <days|never>`)') : ''}`,
    `• The seat warning: the App Home warns, and the admins get one seat alert, below ${s.seatWarningThreshold} seats left of a product without a threshold of its own${s.seatWarningThreshold === 0 ? ' (never)' : ''}${s.canChange ? esc(' (`/licenses warn <seats>`; `/licenses alerts` per product)') : ''}`,
    `• Audit records are kept ${s.auditRetentionDays === null ? 'forever' : `${s.auditRetentionDays} days`}${s.canChange ? esc(' (`/users audit retention <days|forever>`)') : ''}`,
    `• Scheduled changes (\`/users scheduled\`) run at ${String(s.scheduleHour).padStart(2, '0')}:00 in ${esc(s.timeZone)}${s.canChange ? esc(' (`/users settings timezone <zone>`, `/users settings schedule-hour <0-23>`)') : ''}`,
  ];
  if (!s.canChange) lines.push('_Global admins change these._');
  return lines.join('\n');
}

/** `/users settings`: the organization's settings; `/users settings password-expiry <days|never>` (Global admins): checked before the ack, set after it. */
export async function settingsCommand(deps: ListenerDeps, actor: MemberActor, words: string[], tell: FollowUp): Promise<Plan<CommandReply>> {
  const [what = '', value = ''] = words;
  if (what === '') {
    const result = await organizationSettings(deps.core, actor);
    return { reply: ephemeral(result.ok ? { text: settingsText(result.settings) } : textMessage(result.message)) };
  }
  const setting = what.toLowerCase();
  if (setting === 'timezone' || setting === 'schedule-hour') {
    // Quick (one short transaction): set before the ack, so a refusal is the reply itself.
    const result = setting === 'timezone' ? await setTimeZone(deps.core, actor, value) : await setScheduleHour(deps.core, actor, value);
    if (!result.ok) return { reply: ephemeral(textMessage(result.message)) };
    const said =
      'timeZone' in result
        ? `The organization's time zone is now ${result.timeZone}`
        : `Scheduled changes now run at ${String(result.hour).padStart(2, '0')}:00`;
    return { reply: ephemeral(textMessage(`${said}; changes scheduled before keep the moment they were given.`)) };
  }
  if (setting !== 'password-expiry')
    return {
      reply: ephemeral(
        textMessage(
          `Roster doesn't know \`/users settings ${what}\`: use password-expiry <days|never>, timezone <zone>, schedule-hour <0-23>, or no word to see the settings.`,
        ),
      ),
    };
  const checked = await checkPasswordExpiry(deps.core, actor, value);
  if (!checked.ok) return { reply: ephemeral(textMessage(checked.message)) };
  return {
    reply: ephemeral(textMessage(`Passwords now ${expiry(checked.days)} (they used to ${expiry(checked.current)}); every user's expiry follows at once.`)),
    after: change('set the password expiry', async () => {
      const result = await setPasswordExpiry(deps.core, actor, value);
      if (!result.ok) await tell(textMessage(`The password expiry was not changed: ${result.message}`));
    }),
  };
}
