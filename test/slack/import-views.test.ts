import { describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';
import { loadEnv } from '../../src/config/env.js';
import { ImportResults, type ImportOutcome, type ImportPreview, type ImportResultRow } from '../../src/core/bulk/index.js';
import { PRODUCTS } from '../../src/core/catalogue/catalogue.js';
import type { ImportJobRecord as ImportJob } from '../../src/core/bulk/index.js';
import { ProgressThrottle } from '../../src/slack/services/progress-throttle.js';
import { importSettingsModal, importUploadModal } from '../../src/slack/views/import-modals.js';
import { importPreviewMessage } from '../../src/slack/views/import-preview.js';
import {
  importCancelledMessage,
  importInterruptedMessage,
  importOutcomeMessage,
  importProgressMessage,
  importResultsMessage,
  progressBar,
} from '../../src/slack/views/import-progress.js';

const biggest = [...PRODUCTS].sort((a, b) => b.plans.length - a.plans.length).slice(0, 20);

const preview = (overrides: Partial<ImportPreview> = {}): ImportPreview => ({
  jobId: 'cjob1',
  fileName: `${'very-long-name-'.repeat(20)}.csv`,
  layout: 'admin-center-2024',
  encoding: 'utf-8',
  delimiter: ',',
  rowsRead: 50_000,
  rowsReady: 40_000,
  rowsWithProblems: 10_000,
  duplicatesInFile: 12,
  existingUsernames: 30,
  seats: biggest.map((product) => ({ product, total: 100, available: 40 })),
  mayBuyLicenses: true,
  firstProblems: Array.from({ length: 10 }, (_, i) => ({ rowNumber: i + 2, column: 'User Name', message: `<@U1> & ${'a very long reason '.repeat(20)}` })),
  problemCount: 10_000,
  problemsCsv: Buffer.from('x'),
  skippedExampleRow: null,
  ...overrides,
});

function resultsOf(rows: ImportResultRow[]): ImportResults {
  const results = new ImportResults();
  rows.forEach((row) => results.add(row));
  return results;
}

const outcome: ImportOutcome = {
  jobId: 'cjob1',
  status: 'failed',
  rowsRead: 20,
  created: 10,
  createdWithoutLicense: 2,
  createdWithoutSomeProducts: 0,
  passwordsOnPremises: false,
  skipped: 8,
  skippedByReason: { 'duplicate username': 8 },
  results: resultsOf([{ rowNumber: 2, userName: 'a@contoso.com', displayName: 'A', temporaryPassword: 'Secret-Pass-1', status: 'created', reason: '' }]),
  reissuedPasswords: 3,
  failure: 'disk full',
};

describe('import messages and forms stay within Slack limits', () => {
  it('the preview of a large file with long problems, escaped, with the buttons', () => {
    const message = importPreviewMessage(preview(), 'U0OWNER');
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('Choose settings and add 40,000 users');
    expect(shown).toContain('Row 2 · User Name: &lt;@U1&gt; &amp;');
    expect(shown).not.toContain('<@U1>');
    expect(shown).toContain('…and 9,990 more');
  });

  it("says which row was skipped as Microsoft's example, and why", () => {
    const reason =
      "Row 3 was skipped: it is Microsoft's example row from the Entra template (Chris Green at contoso.com, a domain the organization does not have).";
    const message = importPreviewMessage(preview({ layout: 'entra-v1', skippedExampleRow: { rowNumber: 3, reason } }), 'U0OWNER');
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain(JSON.stringify(reason).slice(1, -1));
    expect(JSON.stringify(importPreviewMessage(preview(), 'U0OWNER').blocks)).not.toContain('was skipped');
  });

  it('a preview with nothing to add says what to fix and offers no button', () => {
    const message = importPreviewMessage(preview({ rowsReady: 0, rowsWithProblems: 50_000, existingUsernames: 20, seats: [] }), 'U0OWNER');
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(shown).not.toContain('roster_import_choose_settings');
    expect(shown).toMatch(/Nothing to add.*fix the problems listed above/);
    expect(shown).toContain('The organization has no licenses');
  });

  it('the upload form and the settings form, with the 20 products that have the most apps', () => {
    expect(validateView(importUploadModal({ maxRows: 50_000, maxBytes: 20 * 1024 * 1024 }), 'modal')).toEqual([]);
    const options = { domains: ['contoso.onmicrosoft.com'], initialDomain: 'contoso.onmicrosoft.com', canAssignRoles: true, passwordExpiryDays: 90 };
    const full = importSettingsModal('cjob1', 'hires.csv', 50_000, {
      ...options,
      licenses: biggest.map((product) => ({ product, total: 10, assigned: 3, available: 7 })),
      canAssignLicenses: true,
    });
    expect(validateView(full, 'modal')).toEqual([]);
    expect(full.private_metadata).toBe('cjob1');
    expect(JSON.stringify(full)).toContain('"submit":{"type":"plain_text","text":"Add 50,000 users"');
    const noLicenses = importSettingsModal('cjob1', 'hires.csv', 1, { ...options, licenses: [], canAssignLicenses: false });
    expect(validateView(noLicenses, 'modal')).toEqual([]);
    expect(JSON.stringify(noLicenses)).not.toContain('"block_id":"licenses"');
    expect(JSON.stringify(noLicenses)).toContain('"submit":{"type":"plain_text","text":"Add 1 user"');
  });

  it('progress, outcome, interruption, cancellation and results messages; no password in any of them', () => {
    expect(progressBar(42, 100)).toBe('▓▓▓▓░░░░░░ 42%');
    expect(progressBar(0, 0)).toBe('▓▓▓▓▓▓▓▓▓▓ 100%');
    expect(progressBar(100, 100)).toBe('▓▓▓▓▓▓▓▓▓▓ 100%');
    const job = {
      id: 'cjob1',
      fileName: 'hires.csv',
      requestedBy: 'U0OWNER',
      rowsRead: 100,
      rowsDone: 40,
      rowsCreated: 30,
      rowsUnlicensed: 5,
      rowsSkipped: 5,
    } as ImportJob;
    const messages = [
      importProgressMessage('hires.csv', { done: 42, total: 100, created: 40 }),
      importOutcomeMessage('hires.csv', outcome, 100, ['U1', 'U2', 'U3', 'U4', 'U5', 'U6']),
      importInterruptedMessage(job),
      importCancelledMessage('hires.csv', 'U1', 35),
      importResultsMessage('hires.csv', outcome, 'U1'),
    ];
    for (const message of messages) {
      expect(validateMessageBlocks(message.blocks)).toEqual([]);
      expect(JSON.stringify(message)).not.toContain('Secret-Pass-1');
    }
    expect(messages[0]!.text).toBe('Adding users from hires.csv… 42/100');
    expect(JSON.stringify(messages[0]!.blocks)).toContain('▓▓▓▓░░░░░░ 42%');
    expect(messages[1]!.text).toMatch(/^Import stopped: hires.csv: 10 created, 2 created without a license, 8 not created \(8 duplicate username\)/);
    expect(messages[2]!.text).toMatch(/after 40 of 100 rows: 35 users created/);
    expect(messages[3]!.text).toMatch(/35 users added before the interruption stay/);
  });
});

describe('progress updates', () => {
  it('go out at most once per interval, never two at once, and the final state always goes out', async () => {
    let now = 0;
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const throttle = new ProgressThrottle<string>(
      (value) =>
        new Promise<void>((resolve) => {
          sent.push(value);
          release = resolve;
        }),
      1000,
      () => now,
    );
    throttle.push('0%');
    throttle.push('10%');
    now = 1500;
    throttle.push('20%'); // the first update is still in flight: dropped
    release();
    await Promise.resolve();
    await Promise.resolve();
    throttle.push('30%');
    now = 1800;
    throttle.push('40%');
    const finished = throttle.finish('done');
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await finished;
    expect(sent).toEqual(['0%', '30%', 'done']);
  });
});

describe('import limits from the environment', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' };

  it('default to 50,000 rows and 20 MB, and can be changed', () => {
    const defaults = loadEnv(base);
    expect(defaults.ok && [defaults.env.ROSTER_IMPORT_MAX_ROWS, defaults.env.ROSTER_IMPORT_MAX_BYTES]).toEqual([50_000, 20 * 1024 * 1024]);
    const set = loadEnv({ ...base, ROSTER_IMPORT_MAX_ROWS: '250', ROSTER_IMPORT_MAX_BYTES: '1048576' });
    expect(set.ok && [set.env.ROSTER_IMPORT_MAX_ROWS, set.env.ROSTER_IMPORT_MAX_BYTES]).toEqual([250, 1_048_576]);
    const bad = loadEnv({ ...base, ROSTER_IMPORT_MAX_ROWS: 'lots', ROSTER_IMPORT_MAX_BYTES: '0' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/ROSTER_IMPORT_MAX_ROWS must be a number[\s\S]*ROSTER_IMPORT_MAX_BYTES must be at least 1/);
  });
});
