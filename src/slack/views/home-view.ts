import type { KnownBlock, View } from '@slack/types';
import type { HomeSummary } from '../../core/tenant/home-summary.js';
import { roleLabels } from '../../core/roles.js';
import { shortDate } from './dates.js';
import { ACTION } from './ids.js';
import { button, context, divider, esc, header, section } from './kit.js';

/** The App Home: the organization, seats per product, the last changes, and buttons for common actions. */
export function homeView(summary: HomeSummary): View {
  const blocks: KnownBlock[] = [];
  const org = summary.organization;
  if (!org) {
    blocks.push(
      header('Roster'),
      section('Manage your Microsoft 365-style users and licenses from Slack. This workspace is not set up yet.'),
      { type: 'actions', elements: [button('Set up Roster', ACTION.openSetup, 'primary')] },
      context('Workspace owners and admins can set it up (or run `/users setup`).'),
    );
    return { type: 'home', blocks };
  }
  blocks.push(header(esc(org.name)));
  if (summary.roles.length === 0) {
    blocks.push(section(`You have no admin role in ${esc(org.name)}. Ask a Global admin to give you one.`));
    return { type: 'home', blocks };
  }
  blocks.push(
    context(`${org.domains.map(esc).join(' · ')} · ${org.userCount} users · you are ${roleLabels(summary.roles)}`),
    {
      type: 'actions',
      elements: [
        ...(summary.can.addUsers ? [button('Add a user', ACTION.openAddUser, 'primary')] : []),
        ...(summary.can.buyLicenses ? [button('Buy licenses', ACTION.openBuyLicenses)] : []),
        button('Refresh', ACTION.refreshHome),
      ],
    },
    divider(),
    section('*Licenses*'),
  );
  if (summary.licenses.length === 0) blocks.push(context('No licenses yet.'));
  for (const l of summary.licenses.slice(0, 30)) {
    blocks.push(section(`*${esc(l.product.displayName)}*\n${bar(l.assigned, l.total)}  ${l.available} available · ${l.assigned} of ${l.total} assigned`));
  }
  blocks.push(divider(), section('*Last changes*'));
  if (summary.recentChanges.length === 0) blocks.push(context('Nothing yet.'));
  for (const change of summary.recentChanges) {
    blocks.push(context(`${shortDate(change.at)} · <@${change.actorSlackUserId}> · ${esc(change.summary)}`));
  }
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

function bar(used: number, total: number, width = 10): string {
  const filled = total > 0 ? Math.round((used / total) * width) : 0;
  return '`' + '█'.repeat(filled) + '░'.repeat(width - filled) + '`';
}
