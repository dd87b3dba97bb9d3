import type { KnownBlock, View } from '@slack/types';
import type { ConnectPlan } from '../../core/microsoft/connect-organization.js';
import type { ConnectionView } from '../../core/microsoft/connection-status.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { button, context, destructiveButton, esc, fields, header, option, plain, section, textInput } from './kit.js';

export const CONNECT_TITLE = 'Connect Microsoft 365';

const PERMISSIONS =
  'The app registration needs the Microsoft Graph *application* permissions User.Read.All, Organization.Read.All and Domain.Read.All, with admin consent (README, "Connect Microsoft 365").';

/**
 * The Connect Microsoft 365 form: Tenant ID, Client ID, Client secret. Shown again with the
 * problem on top when a check failed after its ack; the secret is never put back in it.
 */
export function connectModal(again: { tenant?: string; clientId?: string; problem?: string } = {}): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.connect,
    title: plain(CONNECT_TITLE, 24),
    submit: plain('Check', 24),
    close: plain('Cancel', 24),
    blocks: [
      ...(again.problem ? [section(`:warning: ${esc(again.problem)}`)] : []),
      textInput('tenant', 'Tenant ID', {
        optional: false,
        ...(again.tenant ? { initial: again.tenant } : {}),
        placeholder: 'contoso.onmicrosoft.com or 72f988bf-86f1-41af-91ab-2d7cd011db47',
        hint: "A GUID (Entra admin center → Overview → Tenant ID) or one of the tenant's verified domains.",
        maxLength: 253,
      }),
      textInput('clientId', 'Client ID', {
        optional: false,
        ...(again.clientId ? { initial: again.clientId } : {}),
        placeholder: '00000000-0000-0000-0000-000000000000',
        hint: "The Application (client) ID, on the app registration's Overview.",
        maxLength: 36,
      }),
      textInput('clientSecret', 'Client secret', {
        optional: false,
        hint: "The secret's Value (Certificates & secrets), not its Secret ID. Roster seals it and never shows it again.",
        maxLength: 1024,
      }),
      context(PERMISSIONS),
    ],
  };
}

/** What connecting will do, before anything changes; Connect confirms (and agrees to leave out the users not in the tenant). */
export function connectReviewModal(plan: ConnectPlan): View {
  const { users } = plan;
  const blocks: KnownBlock[] = [
    section(
      `*${esc(plan.tenantName)}* (tenant \`${esc(plan.microsoftTenantId)}\`): ${plan.domains.length} ${plan.domains.length === 1 ? 'domain' : 'domains'}, ${plan.products} ${plan.products === 1 ? 'product' : 'products'}.`,
    ),
    section(
      `*${users.matched}* ${users.matched === 1 ? "user of Roster's directory is" : "users of Roster's directory are"} in the tenant (same username): they become those users, and keep their Slack link and their admin roles in Roster.`,
    ),
  ];
  if (users.leftOutCount > 0) {
    const listed = users.leftOut
      .slice(0, 20)
      .map((u) => `• ${esc(u.userPrincipalName)} (${esc(u.displayName)})${u.isGlobalAdmin ? ' · Global admin' : ''}`)
      .join('\n');
    const more = users.leftOutCount > 20 ? `\n…and ${users.leftOutCount - 20} more.` : '';
    blocks.push(section(`*${users.leftOutCount}* not in the tenant:\n${listed}${more}`.slice(0, 3000)));
    blocks.push({
      type: 'input',
      block_id: 'leaveOut',
      optional: false,
      label: plain('Users not in the tenant', 2000),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: [option('Leave them out: they are deleted in Roster', 'leave_out')],
      },
      hint: plain('Creating them in the tenant comes in a later version of Roster. Deleted users are kept 30 days.', 2000),
    });
  }
  blocks.push(
    context(
      'Once connected, Roster reads the tenant every few minutes (and on `/users sync`). Until Roster sends changes to the tenant, make them in the Microsoft 365 admin center.',
    ),
  );
  return {
    type: 'modal',
    callback_id: CALLBACK.connectReview,
    private_metadata: JSON.stringify({ checkedAt: plan.checkedAt.toISOString(), leftOut: users.leftOutCount }),
    title: plain(CONNECT_TITLE, 24),
    submit: plain('Connect', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** Whether the sync reads users' sign-in activity (what "not signed in for N days" in the reclaim report needs), or why not. */
function signInActivityLine(c: ConnectionView): KnownBlock {
  const { readAt, problem } = c.signInActivity;
  if (problem) return context(`*Sign-in activity:* not read: ${esc(problem)}`);
  if (readAt) return context(`*Sign-in activity:* read at each sync, every few hours (last read ${slackDateTime(readAt)})`);
  return context('*Sign-in activity:* not read yet (the next sync reads it).');
}

/** The connected organization: tenant, app, last sync; Sync now and (Global admins) Disconnect. */
export function connectionMessage(organizationName: string, c: ConnectionView, canManage: boolean, said?: string): { text: string; blocks: Blocks } {
  const counts = c.lastSyncCounts;
  const lastSync = c.lastSyncAt
    ? `${slackDateTime(c.lastSyncAt)}${counts?.users !== undefined ? ` · ${counts.users} users read (${counts.added ?? 0} added, ${counts.changed ?? 0} changed, ${counts.removed ?? 0} removed)` : ''}`
    : 'Not yet';
  const blocks: KnownBlock[] = [
    ...(said ? [context(esc(said))] : []),
    header(`Microsoft 365: ${c.tenantName}`),
    ...fields([
      ['Organization', esc(organizationName)],
      ['Tenant ID', `\`${esc(c.microsoftTenantId)}\``],
      ['App (client ID)', `\`${esc(c.clientId)}\``],
      ['Connected', c.connectedAt ? slackDateTime(c.connectedAt) : '—'],
      ['Last sync', `${lastSync}${c.syncing ? '\n_A sync is at work now._' : ''}`],
    ]),
    ...(c.lastSyncError ? [section(`:warning: *The last sync failed:* ${esc(c.lastSyncError)}`)] : []),
    signInActivityLine(c),
    {
      type: 'actions',
      block_id: 'connection_actions',
      elements: [
        button('Sync now', ACTION.syncNow, 'primary'),
        ...(canManage
          ? [
              destructiveButton('Disconnect', ACTION.disconnect, 'disconnect', {
                title: 'Disconnect Microsoft 365?',
                text: `Roster stops reading ${c.tenantName}. Its users stay in Roster as its own directory; nothing changes in the tenant.`.slice(0, 300),
                confirm: 'Disconnect',
              }),
            ]
          : []),
      ],
    },
    context(
      'Roster mirrors the tenant: views, find, export and the App Home read the mirror. Until Roster sends changes to the tenant, make them in the Microsoft 365 admin center; they show here after the next sync.',
    ),
  ];
  return { text: esc(`${organizationName} is connected to Microsoft 365 (${c.tenantName})`), blocks };
}

/** What the modal says once connected. */
export function connectedModal(tenantName: string): View {
  return {
    type: 'modal',
    title: plain(CONNECT_TITLE, 24),
    close: plain('Close', 24),
    blocks: [
      section(
        `Connected to *${esc(tenantName)}*. The first sync reads every user now: they appear in \`/users list\` as it goes, and you get a DM when it is done.`,
      ),
      context('`/users connect` shows the connection and its last sync; `/users sync` reads the changes now.'),
    ],
  };
}
