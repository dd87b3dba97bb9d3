import type { UserDetails } from '../../core/users/show-user.js';
import { PROFILE_FIELDS, PROFILE_FIELD_NAMES } from '../../core/rules/profile-fields.js';
import { usageLocationName } from '../../core/rules/usage-location.js';
import { roleLabels } from '../../core/roles.js';
import type { Blocks } from '../slack-port.js';
import { expiryText, shortDate, slackDateTime } from './dates.js';
import { ACTION } from './ids.js';
import { SCHEDULE } from './schedule-ids.js';
import { button, context, esc, fields, header, section } from './kit.js';

/** `/users show`: details, sign-in status, roles and licenses (with apps turned off). */
export function userDetailsMessage(user: UserDetails, now: Date): { text: string; blocks: Blocks } {
  const signIn = user.signIn;
  const profile = PROFILE_FIELD_NAMES.filter((f) => f !== 'displayName' && user.profile[f]).map(
    (f) => [PROFILE_FIELDS[f].label, esc(user.profile[f]!)] as [string, string],
  );
  const licenses = user.licenses.length
    ? user.licenses
        .map((l) => `• *${esc(l.productName)}* \`${l.partNumber}\`${l.disabledApps.length ? `\n   Apps turned off: ${esc(l.disabledApps.join(', '))}` : ''}`)
        .join('\n')
    : 'Unlicensed';
  const blocks: Blocks = [
    header(esc(user.displayName)),
    ...fields([
      ['Username', `\`${esc(user.userPrincipalName)}\``],
      ['Sign-in', signIn.allowed ? 'Allowed' : user.startsAt ? `:calendar: Starts ${slackDateTime(user.startsAt)} (blocked until then)` : ':no_entry: Blocked'],
      ['Last sign-in', signIn.lastSignInAt ? shortDate(signIn.lastSignInAt) : signIn.lastSignInKnown ? 'Never' : 'Not read (`/users connect`)'],
      ['Password', `Set ${shortDate(signIn.passwordSetAt)}${signIn.mustChangePassword ? ', must change at next sign-in' : ''}`],
      [
        'Password expires',
        signIn.passwordPolicyOf
          ? `As ${esc(signIn.passwordPolicyOf)}'s password policy says (set in Microsoft 365)`
          : expiryText(signIn.passwordExpiresAt, now),
      ],
      ['Roles', user.roles.length ? roleLabels(user.roles) : 'User (no admin access)'],
      ['Usage location', user.usageLocation ? `${usageLocationName(user.usageLocation)} (${user.usageLocation})` : 'Not set'],
      ['Alternate email', user.alternateEmail ? esc(user.alternateEmail) : '—'],
      ['Mailbox', mailboxText(user.mailbox)],
      ['Manager', managerText(user.manager)],
      ...(user.directReports.count > 0 ? ([['Direct reports', reportsText(user.directReports)]] as [string, string][]) : []),
    ]),
    section(`*Licenses*\n${licenses}`),
    ...(profile.length ? fields(profile) : []),
    context(
      [
        `Created ${shortDate(user.createdAt)}`,
        user.source === 'synced' ? 'Synced from on-premises' : 'Cloud user',
        user.slackUserId ? `Slack: <@${user.slackUserId}>` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    ...historyBlocks(user),
    { type: 'actions', elements: [button('Edit', ACTION.editUser, undefined, user.id), button('Offboard…', SCHEDULE.openOffboard, undefined, user.id)] },
  ];
  return { text: esc(`${user.displayName} (${user.userPrincipalName})`), blocks };
}

function managerText(manager: UserDetails['manager']): string {
  if (!manager) return '—';
  return `${esc(manager.displayName)} (\`${esc(manager.userPrincipalName)}\`)${manager.deleted ? ', deleted' : ''}`;
}

function reportsText(reports: UserDetails['directReports']): string {
  const more = reports.count - reports.first.length;
  return `${reports.first.map((upn) => `\`${esc(upn)}\``).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The user's last changes (who, what, which fields), newest first. */
function historyBlocks(user: UserDetails): Blocks {
  if (user.history.length === 0) return [];
  const lines = user.history.map((change) => {
    const who = change.actor.startsWith('cli:')
      ? `${esc(change.actor.slice(4))} (command line)`
      : /^[UW][A-Z0-9]+$/.test(change.actor)
        ? `<@${change.actor}>`
        : esc(change.actor);
    const what = change.changedFields.length ? ` _(${esc(change.changedFields.join(', '))})_` : '';
    return `• ${slackDateTime(change.at)} · ${who} · ${esc(change.summary)}${what}`;
  });
  return [section(`*Last changes*\n${lines.join('\n')}`)];
}

/** "Mailbox: active", or kept until a date after the last license with Exchange went. */
export function mailboxText(mailbox: UserDetails['mailbox']): string {
  if (mailbox.state === 'active') return 'Active';
  if (mailbox.state === 'grace' && mailbox.graceEndsAt) return `Kept until ${slackDateTime(mailbox.graceEndsAt)} (no license with Exchange)`;
  return 'None';
}
