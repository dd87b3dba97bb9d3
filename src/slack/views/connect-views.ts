import type { KnownBlock, View } from '@slack/types';
import type { ConnectPlan } from '../../core/microsoft/connect-organization.js';
import type { CreateMissingResult } from '../../core/microsoft/create-missing-job.js';
import { adminRolesSentence, type ConnectionView } from '../../core/microsoft/connection-status.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { button, context, destructiveButton, esc, fields, header, option, plain, section, textInput, linesInSections } from './kit.js';

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

/** The choices for the users of Roster's directory not in the tenant (the review's radio buttons). */
export const MISSING = { create: 'create', leaveOut: 'leave_out' } as const;

/** What connecting will do, before anything changes; Connect confirms, with what becomes of the users not in the tenant. */
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
      block_id: 'missing',
      optional: false,
      label: plain('Users not in the tenant', 2000),
      element: {
        type: 'radio_buttons',
        action_id: VALUE,
        options: [
          { ...option('Create them in the tenant', MISSING.create), description: plain('With their profile, usage location, licenses and sign-in.', 75) },
          { ...option('Leave them out', MISSING.leaveOut), description: plain('They are deleted in Roster at the first sync.', 75) },
        ],
      },
      hint: plain(
        'Created users each get a new temporary password (changed at first sign-in), sent to you as a notice with Show password; a user whose license has no seat in the tenant is created without it; admin roles are given in Microsoft Entra. Deleted users are kept 30 days.',
        2000,
      ),
    });
  }
  blocks.push(
    context('Once connected, Roster reads the tenant every few minutes (and on `/users sync`), and every change made in Roster goes to the tenant first.'),
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
    section(`*Admin roles:* ${adminRolesSentence(c.adminRoles, slackDateTime, esc)}.`),
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
      'Roster mirrors the tenant: views, find, export and the App Home read the mirror; changes made in Roster go to the tenant first, and changes made in the Microsoft 365 admin center show here after the next sync.',
    ),
  ];
  return { text: esc(`${organizationName} is connected to Microsoft 365 (${c.tenantName})`), blocks };
}

/** What the modal says once connected (`creating`: the users not in the tenant are made there first). */
export function connectedModal(tenantName: string, creating = false): View {
  return {
    type: 'modal',
    title: plain(CONNECT_TITLE, 24),
    close: plain('Close', 24),
    blocks: [
      section(
        creating
          ? `Connected to *${esc(tenantName)}*. Roster now creates the users that are not in the tenant: each new temporary password comes to you as a notice with *Show password*, and a DM lists who was created. Then the first sync reads every user.`
          : `Connected to *${esc(tenantName)}*. The first sync reads every user now: they appear in \`/users list\` as it goes, and you get a DM when it is done.`,
      ),
      context('`/users connect` shows the connection and its last sync; `/users sync` reads the changes now; `/users jobs` shows the work under way.'),
    ],
  };
}

/** The results DM of creating the users not in the tenant at connect (like an import's). */
export function createMissingResultsMessage(
  result: CreateMissingResult,
  ended: { finished: true } | { cancelled: true } | { failed: string },
  undelivered: readonly { recipient: string; userPrincipalName: string }[],
): { text: string; blocks: Blocks } {
  const made = result.created.length + result.withoutLicense.length;
  const counts = `${made} created (${result.withoutLicense.length} without their licenses), ${result.refused.length} not created`;
  const title = `Creating the users not in ${esc(result.tenantName)}`;
  const summary =
    'finished' in ended
      ? `*${title}:* ${counts}.`
      : 'cancelled' in ended
        ? `*${title} was cancelled:* ${counts}. The users not created yet are left out (deleted in Roster at the first sync).`
        : `*${title} stopped* (${esc(ended.failed)}): ${counts}. The users not created yet are left out (deleted in Roster at the first sync).`;
  const blocks: KnownBlock[] = [section(summary)];
  const line = (u: { userPrincipalName: string; licenses: string[] }) =>
    `• \`${esc(u.userPrincipalName)}\`${u.licenses.length ? ` (${esc(u.licenses.join(', '))})` : ''}`;
  if (result.created.length > 0) blocks.push(...linesInSections(`:white_check_mark: *Created (${result.created.length})*`, result.created.map(line)));
  if (result.withoutLicense.length > 0)
    blocks.push(
      ...linesInSections(
        `:warning: *Created without their licenses (${result.withoutLicense.length})*`,
        result.withoutLicense.map((u) => `• \`${esc(u.userPrincipalName)}\`: not given ${esc(u.licenses.join(', '))}: ${esc(u.reason)}`),
      ),
    );
  if (result.refused.length > 0)
    blocks.push(
      ...linesInSections(
        `:no_entry: *Not created, left out (${result.refused.length})*`,
        result.refused.map((u) => `• \`${esc(u.userPrincipalName)}\`: ${esc(u.reason)}`),
      ),
    );
  const notes: string[] = [];
  if (made > 0)
    notes.push(
      'Each new temporary password came to you as a separate notice with *Show password*: shown once, within 24 hours; it must be changed at first sign-in. Admin roles are not created in the tenant: assign them in the Microsoft Entra admin center (Roles &amp; admins).',
    );
  for (const missed of undelivered)
    notes.push(`The notice for \`${esc(missed.userPrincipalName)}\` could not be sent to <@${missed.recipient}>: reset that user's password once connected.`);
  if (notes.length > 0) blocks.push(context(...notes.slice(0, 10)));
  return { text: esc(`${title.replace(/\*/g, '')}: ${counts}`), blocks: blocks.slice(0, 50) };
}
