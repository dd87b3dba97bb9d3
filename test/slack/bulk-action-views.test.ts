import { describe, expect, it } from 'vitest';
import { MAX_BULK_USERS, type BulkAction, type BulkOutcome } from '../../src/core/users/bulk-action-input.js';
import { bulkConfirmModal, bulkResultsMessage } from '../../src/slack/views/bulk-action-views.js';
import { deletedUsersMessage } from '../../src/slack/views/lifecycle-views.js';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';

/** The most users a bulk action takes, with long names and reasons holding Slack's special characters. */
const outcomes = (count: number): BulkOutcome[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `user.with.a.rather.long.alias.${i}@subsidiary-of-contoso.example.com`,
    userId: `id${i}`,
    done: i % 3 !== 0,
    reason: i % 3 === 0 ? `Only a Global admin can do this to a Global admin <${i}> & more words to make it long.` : null,
    note: i % 3 === 1 ? 'Licenses freed: Microsoft 365 Business Basic, Office 365 E3 <and> Microsoft Teams Exploratory.' : null,
  }));

describe('the bulk actions’ Slack views stay within Block Kit’s limits at the cap', () => {
  it.each(['reset_password', 'block', 'unblock', 'delete', 'restore'] as BulkAction[])('%s: the confirmation and the results DM', (action) => {
    const preview = { action, outcomes: outcomes(MAX_BULK_USERS), dryRun: true };
    const modal = bulkConfirmModal(
      preview,
      preview.outcomes.map((o) => o.userId!),
    );
    expect(validateView(modal, 'modal')).toEqual([]);
    expect(JSON.stringify(modal)).not.toMatch(/<\d+>/);
    const results = bulkResultsMessage(
      { ...preview, dryRun: false },
      { ended: { cancelled: true }, recipients: ['U0ADMIN', 'U0HR'], undelivered: [{ recipient: 'U0HR', userPrincipalName: 'a&b@contoso.com' }], total: 120 },
    );
    expect(validateMessageBlocks(results.blocks)).toEqual([]);
    const shown = JSON.stringify(results.blocks);
    // Every user is listed, none cut off.
    for (const o of preview.outcomes) expect(shown).toContain(o.name);
    expect(shown).toMatch(/was cancelled\* after 100 of 120 users/);
  });

  it('the deleted users list: 50 rows with checkboxes and Restore selected', () => {
    const users = Array.from({ length: 50 }, (_, i) => ({
      id: `id${i}`,
      userPrincipalName: `deleted.user.${i}@contoso.onmicrosoft.com`,
      displayName: `Deleted <User> ${i} with a display name long enough to be clipped in a checkbox label`,
      deletedAt: new Date(),
      daysLeft: 30,
      licenses: [],
    }));
    const message = deletedUsersMessage(users, 80);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('"action_id":"roster_bulk_restore"');
  });
});
