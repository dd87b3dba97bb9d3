import type { MemberActor } from '../../../core/context.js';
import { organizationSettings, type OrganizationSettings } from '../../../core/tenant/organization-settings.js';
import { checkPasswordExpiry, setPasswordExpiry } from '../../../core/tenant/password-expiry.js';
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
  if (what.toLowerCase() !== 'password-expiry')
    return {
      reply: ephemeral(textMessage(`Roster doesn't know \`/users settings ${what}\`: use password-expiry <days|never>, or no word to see the settings.`)),
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
