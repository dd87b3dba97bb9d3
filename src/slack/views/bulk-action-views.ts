import type { KnownBlock, View } from '@slack/types';
import { MAX_CREDENTIAL_RECIPIENTS } from '../../core/users/add-user-input.js';
import type { BulkAction, BulkOutcome } from '../../core/users/bulk-action-input.js';
import type { BulkResult } from '../../core/users/bulk-actions.js';
import { BLOCK_DELAY_NOTE } from '../../core/users/block-user.js';
import { DELETED_KEPT_DAYS } from '../../core/users/delete-user-targets.js';
import type { Blocks } from '../slack-port.js';
import { REQUIRE_CHANGE } from './add-user-modal.js';
import { BULK } from './bulk-ids.js';
import { VALUE } from './ids.js';
import { button, clip, context, esc, option, linesInSections, plain, section } from './kit.js';

/** How each action is named: its button, its modal's title and submit, and the verb of its results. */
const WORDS: Record<BulkAction, { button: string; title: string; submit: string; done: string }> = {
  reset_password: { button: 'Reset passwords', title: 'Reset passwords', submit: 'Reset passwords', done: 'Passwords reset' },
  block: { button: 'Block sign-in', title: 'Block sign-in', submit: 'Block sign-in', done: 'Blocked' },
  unblock: { button: 'Allow sign-in', title: 'Allow sign-in', submit: 'Allow sign-in', done: 'Allowed to sign in' },
  delete: { button: 'Delete', title: 'Delete users', submit: 'Delete users', done: 'Deleted' },
  restore: { button: 'Restore selected', title: 'Restore users', submit: 'Restore users', done: 'Restored' },
};

export const bulkActionTitle = (action: BulkAction) => WORDS[action].title;

/** The buttons that act on a list's ticked rows (beside "Edit selected"); each opens its confirmation. */
export function bulkButtons(actions: readonly BulkAction[]) {
  return actions.map((action) => button(WORDS[action].button, BULK.button(action)));
}

/** Checkboxes to tick rows, 10 to a block (Block Kit's most in one element), named `<prefix>`, `<prefix>_2`… */
export function rowCheckboxes(prefix: string, rows: readonly { id: string; label: string }[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < rows.length; i += 10) {
    blocks.push({
      type: 'actions',
      block_id: i === 0 ? prefix : `${prefix}_${i / 10 + 1}`,
      elements: [
        {
          type: 'checkboxes',
          action_id: 'select',
          options: rows.slice(i, i + 10).map((row) => ({ text: plain(clip(esc(row.label), 75)), value: row.id })),
        },
      ],
    });
  }
  return blocks;
}

/** What the action does, said before it is confirmed. */
function whatHappens(action: BulkAction, count: number): string {
  const users = `${count} user${count === 1 ? '' : 's'}`;
  switch (action) {
    case 'reset_password':
      return `*Reset the passwords of ${users}?* Each gets a new generated temporary password and their old one stops working at once. Each new password comes to you (and anyone you add below) as its own notice with *Show password*, shown once within 24 hours; the results DM never holds them.`;
    case 'block':
      return `*Block ${users} from signing in?* They are signed out of their apps as their sessions end. ${esc(BLOCK_DELAY_NOTE)}`;
    case 'unblock':
      return `*Allow ${users} to sign in again?*`;
    case 'delete':
      return `*Delete ${users}?* Their licenses are freed at once (listed below) and their usernames become free; they are kept ${DELETED_KEPT_DAYS} days as deleted (\`/users deleted\` restores them), then removed for good.`;
    case 'restore':
      return `*Restore ${users}?* Each comes back under their username with a new temporary password, whose notice with *Show password* comes to you, and their licenses are given back where seats allow. A user whose username was taken meanwhile is not restored: restore them on their own with \`/users restore\` to choose a new one.`;
  }
}

const doneLine = (o: BulkOutcome) => `• \`${esc(o.name)}\`${o.note ? `: ${esc(o.note)}` : ''}`;
const refusedLine = (o: BulkOutcome) => `• \`${esc(o.name)}\`: ${esc(o.reason ?? '')}`;

/**
 * The confirmation: what will happen, to whom (the rehearsal's users that will be done) and who
 * will not be (with the single action's reason), and the reset's options. Every user picked goes
 * in private_metadata: each is judged again when the action runs.
 */
export function bulkConfirmModal(preview: BulkResult, pickedIds: readonly string[]): View {
  const { action } = preview;
  const done = preview.outcomes.filter((o) => o.done);
  const refused = preview.outcomes.filter((o) => !o.done);
  const blocks: KnownBlock[] = [];
  if (done.length > 0) {
    blocks.push(section(whatHappens(action, done.length)));
    blocks.push(...linesInSections(`*${WORDS[action].title} (${done.length})*`, done.map(doneLine)));
  } else blocks.push(section(`None of the ${preview.outcomes.length} users picked can be acted on:`));
  if (refused.length > 0) blocks.push(...linesInSections(`*Not included (${refused.length})*`, refused.map(refusedLine)));
  if (action === 'reset_password' && done.length > 0) {
    const requireChange = option('Require these users to change their password when they first sign in', REQUIRE_CHANGE);
    blocks.push(
      {
        type: 'input',
        block_id: 'requirePasswordChange',
        optional: true,
        label: plain('Sign-in'),
        element: { type: 'checkboxes', action_id: VALUE, options: [requireChange], initial_options: [requireChange] },
      },
      {
        type: 'input',
        block_id: 'credentialRecipients',
        optional: true,
        label: plain('Also send the passwords in Slack DMs to'),
        hint: plain(`Up to ${MAX_CREDENTIAL_RECIPIENTS} people. You get every one too.`),
        element: { type: 'multi_users_select', action_id: VALUE, max_selected_items: MAX_CREDENTIAL_RECIPIENTS },
      },
    );
  }
  if (done.length > 0) blocks.push(context('The results come in one DM from Roster when it is done.'));
  return {
    type: 'modal',
    callback_id: BULK.confirm,
    private_metadata: JSON.stringify({ action, ids: pickedIds }),
    title: plain(WORDS[action].title, 24),
    close: plain('Cancel', 24),
    ...(done.length > 0 ? { submit: plain(WORDS[action].submit, 24) } : {}),
    blocks: blocks.slice(0, 100),
  };
}

/** What the modal says once confirmed: the work follows, and its one results DM. */
export function bulkWorkingText(action: BulkAction, count: number): string {
  const users = `${count} user${count === 1 ? '' : 's'}`;
  const notices = action === 'reset_password' || action === 'restore' ? ' Each new password comes as its own notice with *Show password*.' : '';
  return `${WORDS[action].title}: ${users} picked. You get one DM from Roster with the results when it is done.${notices}`;
}

/** Facts around the results that the job knows: cancelled or stopped early, who got the notices, and who could not be sent one. */
export interface BulkReportFacts {
  /** "finished", or how it ended early (cancelled, or why it stopped). */
  ended: { finished: true } | { cancelled: true } | { failed: string };
  /** Members who got every new password's notice (reset and restore). */
  recipients: readonly string[];
  /** Notices that could not be posted: to whom, about whom. */
  undelivered: readonly { recipient: string; userPrincipalName: string }[];
  /** How many users the action named. */
  total: number;
}

/** The one results DM: what was done, what was refused and why; never a password. */
export function bulkResultsMessage(result: BulkResult, facts: BulkReportFacts): { text: string; blocks: Blocks } {
  const { action } = result;
  const done = result.outcomes.filter((o) => o.done);
  const refused = result.outcomes.filter((o) => !o.done);
  const counts = `${done.length} done, ${refused.length} not done`;
  const summary =
    'finished' in facts.ended
      ? `*${WORDS[action].title}:* ${counts}.`
      : 'cancelled' in facts.ended
        ? `*${WORDS[action].title} was cancelled* after ${result.outcomes.length} of ${facts.total} users: ${counts}. The others were not touched.`
        : `*${WORDS[action].title} stopped* after ${result.outcomes.length} of ${facts.total} users (${esc(facts.ended.failed)}): ${counts}. The others were not touched.`;
  const blocks: KnownBlock[] = [section(summary)];
  if (done.length > 0) blocks.push(...linesInSections(`:white_check_mark: *${WORDS[action].done} (${done.length})*`, done.map(doneLine)));
  if (refused.length > 0) blocks.push(...linesInSections(`:no_entry: *Not done (${refused.length})*`, refused.map(refusedLine)));
  const notes: string[] = [];
  if ((action === 'reset_password' || action === 'restore') && done.length > 0) {
    const who = facts.recipients.map((id) => `<@${id}>`).join(', ');
    notes.push(`The new passwords went to ${who} as separate notices with *Show password*: each is shown once, within 24 hours.`);
  }
  for (const missed of facts.undelivered)
    notes.push(
      `The notice for \`${esc(missed.userPrincipalName)}\` could not be sent to <@${missed.recipient}>: show the password from your own notice and pass it on.`,
    );
  if (action === 'delete' && done.length > 0) notes.push(`Deleted users are kept ${DELETED_KEPT_DAYS} days: \`/users deleted\` lists them to restore.`);
  if (action === 'block' && done.length > 0) notes.push(esc(BLOCK_DELAY_NOTE));
  if (notes.length > 0) blocks.push(context(...notes.slice(0, 10)));
  return { text: esc(`${WORDS[action].title}: ${counts}`), blocks: blocks.slice(0, 50) };
}
