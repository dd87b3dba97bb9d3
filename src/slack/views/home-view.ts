import type { KnownBlock, View } from '@slack/types';
import type { HomeSummary } from '../../core/tenant/home-summary.js';
import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import { roleLabels } from '../../core/roles.js';
import { shortDate } from './dates.js';
import { ACTION } from './ids.js';
import { button, context, divider, esc, header, section } from './kit.js';

/** Products shown one by one; the rest are summed up in one line (Slack allows 100 blocks in a view). */
export const HOME_MAX_PRODUCTS = 20;
/** Saved views shown as buttons (an actions block holds at most 25 elements). */
export const HOME_MAX_VIEWS = 20;

/**
 * The App Home: the organization, seats per product (with a warning below the organization's
 * threshold), saved views, quick actions and the last changes. It stays under Slack's 100 blocks
 * whatever the number of products and views: at most ~50 blocks are ever built.
 */
export function homeView(summary: HomeSummary, viewer: { maySetUp?: boolean } = {}): View {
  const blocks: KnownBlock[] = [];
  const org = summary.organization;
  if (!org) {
    blocks.push(header('Roster'), section('Manage your Microsoft 365-style users and licenses from Slack. This workspace is not set up yet.'));
    if (viewer.maySetUp)
      blocks.push(
        { type: 'actions', elements: [button('Set up Roster', ACTION.openSetup, 'primary')] },
        context('You can set it up as a workspace owner or admin (or run `/users setup`).'),
      );
    else blocks.push(context('A workspace owner or admin can set it up. Ask one of them.'));
    return { type: 'home', blocks };
  }
  blocks.push(header(esc(org.name)));
  if (summary.roles.length === 0) {
    const ask = (summary.askGlobalAdmins ?? []).map((admin) => (admin.slackUserId ? `<@${admin.slackUserId}>` : esc(admin.displayName))).join(', ');
    blocks.push(
      section(
        `You have no admin role in ${esc(org.name)}, so there is nothing to manage here. ${ask ? `Ask a Global admin (${ask}) to give you one.` : 'Ask a Global admin to give you one.'}`,
      ),
    );
    return { type: 'home', blocks };
  }
  const fallback = summary.seatWarningThreshold ?? 0;
  // Each product's own seat alert threshold wins over the organization's seat warning.
  const thresholdOf = (l: LicenseCount) => summary.productThresholds?.[l.product.skuId] ?? fallback;
  blocks.push(
    context(`${org.domains.map(esc).join(' · ')} · ${org.userCount.toLocaleString('en')} users · you are ${roleLabels(summary.roles)}`),
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        ...(summary.can.addUsers ? [button('Add a user', ACTION.openAddUser, 'primary')] : []),
        button('All users', ACTION.openView, undefined, 'std:all'),
        ...(summary.can.buyLicenses ? [button('Buy licenses', ACTION.openBuyLicenses)] : []),
        ...(summary.can.manageSettings ? [button('Seat warning', ACTION.seatWarning)] : []),
        button('Refresh', ACTION.refreshHome),
      ],
    },
    divider(),
    section(`*Licenses*${fallback > 0 ? `  _warning below ${fallback} seats left_` : ''}`),
  );
  if (summary.licenses.length === 0) blocks.push(context('No licenses yet.'));
  // The products running out first are the ones worth a line.
  const shown = [...summary.licenses].sort((a, b) => Number(low(b, thresholdOf(b))) - Number(low(a, thresholdOf(a)))).slice(0, HOME_MAX_PRODUCTS);
  for (const l of shown) {
    const warn = low(l, thresholdOf(l)) ? `  :warning: only ${l.available} left` : '';
    blocks.push(
      section(`*${esc(l.product.displayName)}*\n${bar(l.assigned, l.total)}  ${l.available} available · ${l.assigned} of ${l.total} assigned${warn}`),
    );
  }
  const hidden = summary.licenses.length - shown.length;
  if (hidden > 0) {
    const lowHidden = summary.licenses.filter((l) => !shown.includes(l) && low(l, thresholdOf(l))).length;
    blocks.push(context(`and ${hidden} more products${lowHidden ? ` (${lowHidden} running low)` : ''}: \`/licenses\``));
  }
  blocks.push(divider(), section('*Views*'));
  const views = summary.views ?? [];
  blocks.push({
    type: 'actions',
    block_id: 'home_views',
    elements: [
      // Action ids must differ within a block: roster_open_view_1, _2… all reach the same listener.
      button('Licensed users', `${ACTION.openView}_1`, undefined, 'std:licensed'),
      button('Users with errors', `${ACTION.openView}_2`, undefined, 'std:errors'),
      ...views.slice(0, HOME_MAX_VIEWS).map((v, i) => button(esc(v.name), `${ACTION.openView}_${i + 3}`, undefined, v.ref)),
    ],
  });
  const moreViews = views.length - HOME_MAX_VIEWS;
  blocks.push(
    context(
      `${moreViews > 0 ? `and ${moreViews} more views: ` : ''}\`/users list &lt;view&gt;\` · \`/users find &lt;name&gt;\` · \`/users views\` · \`/users export &lt;view&gt;\``,
    ),
  );
  blocks.push(divider(), section('*Last changes*'));
  if (summary.recentChanges.length === 0) blocks.push(context('Nothing yet.'));
  for (const change of summary.recentChanges.slice(0, 10)) {
    const who = change.actorSlackUserId.startsWith('cli:') ? esc(change.actorSlackUserId) : `<@${change.actorSlackUserId}>`;
    blocks.push(context(`${shortDate(change.at)} · ${who} · ${esc(change.summary)}`));
  }
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

function low(l: LicenseCount, threshold: number): boolean {
  return threshold > 0 && l.total > 0 && l.available < threshold;
}

function bar(used: number, total: number, width = 10): string {
  const filled = total > 0 ? Math.min(width, Math.round((used / total) * width)) : 0;
  return `\`${'█'.repeat(filled)}${'░'.repeat(width - filled)}\``;
}
