import { describe, expect, it } from 'vitest';
import type { ImportJobRecord as ImportJob } from '../../src/core/bulk/index.js';
import { expiryText, slackDateTime } from '../../src/slack/views/dates.js';
import { importInterruptedMessage } from '../../src/slack/views/import-progress.js';

const at = new Date('2027-02-21T14:30:45Z');

describe('dates are shown in each reader’s time zone', () => {
  it('uses Slack’s date token with {date_short_pretty} {time} and a plain UTC fallback', () => {
    expect(slackDateTime(at)).toBe('<!date^1803220245^{date_short_pretty} {time}|2027-02-21 14:30 UTC>');
  });

  it('keeps the relative part of an expiry', () => {
    expect(expiryText(at, new Date('2026-11-23T09:00:00Z'))).toBe('<!date^1803220245^{date_short_pretty} {time}|2027-02-21 14:30 UTC> (in 90 days)');
    expect(expiryText(null, at)).toBe('Never (the organization has no password expiry)');
  });

  it('dates an interrupted import', () => {
    const job = {
      id: 'j1',
      fileName: 'hires.csv',
      requestedBy: 'U0OWNER',
      rowsDone: 5,
      rowsRead: 10,
      rowsCreated: 4,
      rowsUnlicensed: 1,
      rowsSkipped: 0,
      startedAt: at,
      updatedAt: new Date(at.getTime() + 60_000),
    } as ImportJob;
    const shown = JSON.stringify(importInterruptedMessage(job).blocks);
    expect(shown).toContain('Started by <@U0OWNER> <!date^1803220245^{date_short_pretty} {time}|2027-02-21 14:30 UTC>, last progress <!date^1803220305^');
  });
});
