import { USERNAME_LIMITS } from '../../core/rules/username.js';
import type { View } from '@slack/types';
import type { DeleteCandidate, DeleteUsersResult, NotDeleted } from '../../core/users/delete-users.js';
import type { DeletedUserLine, RestoreUserResult } from '../../core/users/restore-user.js';
import type { DeletedUserRecord } from '../../store/user-lifecycle.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { context, esc, header, plain, section, textInput } from './kit.js';
import { LIFECYCLE } from './lifecycle-ids.js';
import { bulkButtons, rowCheckboxes } from './bulk-action-views.js';
import { BULK } from './bulk-ids.js';

const refusedLines = (refused: readonly NotDeleted[]) => refused.map((r) => `• \`${esc(r.name)}\`: ${esc(r.reason)}`).join('\n');

/** The confirmation asked before deleting: who goes (with the licenses freed), who cannot and why. */
export function deleteUsersModal(users: readonly DeleteCandidate[], refused: readonly NotDeleted[]): View {
  const blocks: Blocks = [];
  if (users.length > 0) {
    blocks.push(
      section(
        `*Delete ${users.length} user${users.length === 1 ? '' : 's'}?* Their licenses are freed; they are kept 30 days as deleted (restore with \`/users restore\`), then removed for good.`,
      ),
    );
    blocks.push(
      section(
        users
          .slice(0, 40)
          .map((u) => `• *${esc(u.displayName)}* \`${esc(u.userPrincipalName)}\`${u.licenses.length ? `: frees ${esc(u.licenses.join(', '))}` : ''}`)
          .join('\n'),
      ),
    );
  }
  if (refused.length > 0) blocks.push(section(`*Not deleted*\n${refusedLines(refused.slice(0, 40))}`));
  return {
    type: 'modal',
    callback_id: LIFECYCLE.deleteUsers,
    private_metadata: JSON.stringify(users.map((u) => u.id)),
    title: plain('Delete users', 24),
    close: plain('Cancel', 24),
    ...(users.length > 0 ? { submit: plain('Delete', 24) } : {}),
    blocks,
  };
}

export function deleteResultMessage(result: DeleteUsersResult): { text: string; blocks: Blocks } {
  const done = result.deleted.map((u) => `• \`${esc(u.userPrincipalName)}\``).join('\n');
  const text = `${result.dryRun ? 'Would delete' : 'Deleted'} ${result.deleted.length} user${result.deleted.length === 1 ? '' : 's'}; kept until ${slackDateTime(result.purgeAfter)}, restore with /users restore.`;
  const blocks: Blocks = [section(`:wastebasket: ${text}${done ? `\n${done}` : ''}`)];
  if (result.notDeleted.length > 0) blocks.push(section(`*Not deleted*\n${refusedLines(result.notDeleted.slice(0, 40))}`));
  return { text, blocks };
}

export function deletedUsersMessage(users: readonly DeletedUserLine[], count: number): { text: string; blocks: Blocks } {
  if (users.length === 0) return { text: 'No deleted users.', blocks: [section('No deleted users. Deleted users are kept 30 days, then removed for good.')] };
  const lines = users.map(
    (u) =>
      `• *${esc(u.displayName)}* \`${esc(u.userPrincipalName)}\`: ${u.daysLeft} day${u.daysLeft === 1 ? '' : 's'} left${u.licenses.length ? ` · had ${esc(u.licenses.join(', '))}` : ''}`,
  );
  const blocks: Blocks = [header(`Deleted users (${count})`)];
  for (let i = 0; i < lines.length && blocks.length < 45; i += 15) blocks.push(section(lines.slice(i, i + 15).join('\n')));
  // Tick rows, then Restore selected (bulk-action-views.ts): each is confirmed, then restored with its own new password.
  blocks.push(
    ...rowCheckboxes(
      BULK.deletedRows,
      users.slice(0, 50).map((u) => ({ id: u.id, label: `${u.displayName} (${u.userPrincipalName})` })),
    ),
  );
  blocks.push({ type: 'actions', block_id: `${BULK.deletedRows}_restore`, elements: bulkButtons(['restore']) });
  blocks.push(
    context(
      `Tick users and *Restore selected*, or restore one with \`/users restore &lt;username&gt;\`${count > users.length ? ` · ${users.length} most recent of ${count} shown` : ''}.`,
    ),
  );
  return { text: `${count} deleted users`, blocks };
}

/** The restore form: the username it comes back under (a taken one is refused on this field). */
export function restoreUserModal(user: DeletedUserRecord, takenReason: string | null): View {
  return {
    type: 'modal',
    callback_id: LIFECYCLE.restoreUser,
    private_metadata: user.id,
    title: plain('Restore user', 24),
    submit: plain('Restore', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Restore *${esc(user.displayName)}* (\`${esc(user.userPrincipalName)}\`), deleted ${slackDateTime(user.deletedAt)}, with a new temporary password. The licenses they had are given back where seats allow.`,
      ),
      textInput('alias', `Username (before @${user.domain})`, {
        optional: false,
        initial: user.alias,
        maxLength: USERNAME_LIMITS.alias,
        ...(takenReason ? { hint: `${takenReason} Enter a new username.` } : {}),
      }),
    ],
  };
}

/** Delete permanently: what cannot be undone, and the username to type again. */
export function purgeUserModal(user: DeletedUserRecord): View {
  return {
    type: 'modal',
    callback_id: LIFECYCLE.purgeUser,
    private_metadata: user.userPrincipalName,
    title: plain('Delete permanently', 24),
    submit: plain('Delete permanently', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Remove *${esc(user.displayName)}* (\`${esc(user.userPrincipalName)}\`), deleted ${slackDateTime(user.deletedAt)}, for good now instead of after 30 days. Their account, remembered licenses and history links go; *nobody can restore them afterwards*.`,
      ),
      textInput('confirm', 'Type the username to confirm', { optional: false, placeholder: user.userPrincipalName, maxLength: 100 }),
    ],
  };
}

export function restoredView(result: RestoreUserResult): View {
  const lines = [`:recycle: Restored *${esc(result.notice.userPrincipalName)}*. The temporary password is in your DM with Roster.`];
  if (result.licensesGiven.length) lines.push(`Licenses given back: ${esc(result.licensesGiven.join(', '))}.`);
  for (const missing of result.licensesNotGiven) lines.push(`Not given back: *${esc(missing.product)}*: ${esc(missing.reason)}`);
  if (result.slackLinkDropped) lines.push('Their Slack account is now linked to someone else, so the restored user has none.');
  return { type: 'modal', title: plain('User restored', 24), close: plain('Done', 24), blocks: [section(lines.join('\n'))] };
}
