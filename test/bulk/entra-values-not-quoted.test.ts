/**
 * Security review, issue 20 item 10: in a file that holds passwords (Entra's template), an unquoted
 * separator shifts a row's values, so any cell may hold (part of) a password. No message, preview
 * line, problems CSV cell or results CSV cell of a row left out may quote a cell's value, even one
 * that looks like an existing username.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importResultsCsv, runImport, startImport, verifyImport } from '../../src/core/bulk/index.js';
import type { ImportPreview } from '../../src/core/bulk/import-types.js';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/entra-layout.js';
import { addUser } from '../../src/core/users/add-user.js';
import { insertDomain } from '../../src/store/organizations.js';
import { formatCsvLine } from '../support/sample-import-file.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let dir: string;
let files = 0;
const ENTRA_HEADER = `version:v1.0\r\n${formatCsvLine([...ENTRA_TEMPLATE_HEADERS])}`;

beforeAll(async () => {
  db = await createTestDatabase();
  const { tenantId } = await seedTenant(db.ctx);
  await insertDomain(db.db, tenantId, 'contoso.com', new Date());
  dir = mkdtempSync(path.join(tmpdir(), 'roster-entra-quotes-'));
  for (const [alias, domain] of [
    ['Kim.Lee', 'contoso.onmicrosoft.com'],
    ['Zed.Rx9', 'contoso.com'],
  ]) {
    const made = await addUser(db.ctx, OWNER, {
      firstName: alias,
      lastName: '',
      displayName: alias,
      alias: alias!,
      domain: domain!,
      password: { mode: 'auto' },
    });
    if (!made.ok) throw new Error(made.message);
  }
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Verifies the Entra file with these data lines, then imports it: the preview and the results CSV. */
async function verifyAndImport(lines: string[]): Promise<{ preview: ImportPreview; results: string }> {
  const file = path.join(dir, `entra-${++files}.csv`);
  writeFileSync(file, `${[ENTRA_HEADER, ...lines].join('\r\n')}\r\n`);
  const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: path.basename(file), fileId: `F${files}` });
  if (!verified.ok) throw new Error(verified.message);
  const { preview } = verified;
  const started = await startImport(db.ctx, OWNER, preview.jobId!, {
    signInAllowed: true,
    usageLocation: 'NL',
    licenses: [],
    whenSeatsRunOut: 'licensed_only',
    recipients: [],
  });
  if (!started.ok) throw new Error(started.message);
  const outcome = await runImport(db.ctx, preview.jobId!, file);
  return { preview, results: (await importResultsCsv(outcome)).toString('utf8') };
}

const previewText = (preview: ImportPreview) =>
  [...preview.firstProblems.map((p) => `row ${p.rowNumber} · ${p.column}: ${p.message}`), preview.problemsCsv?.toString('utf8') ?? ''].join('\n');

describe('an Entra file quotes no value back', () => {
  it('a shifted password that looks like an existing username is not quoted by "duplicate username"', async () => {
    const { preview, results } = await verifyAndImport([
      'Xx1!,Kim.Lee@contoso.onmicrosoft.com,kim2@contoso.onmicrosoft.com,Kim Two,NL',
      'Ana New,ana.new@contoso.onmicrosoft.com,,No',
    ]);
    const shown = previewText(preview);
    expect(shown).toContain('duplicate username: this username already exists.');
    const resultRows = results.split('\r\n').filter((line) => line.startsWith('3,'));
    expect(resultRows).toHaveLength(1);
    for (const value of ['Xx1!', 'Kim.Lee', 'kim2@', 'Kim Two']) {
      expect(shown.toLowerCase()).not.toContain(value.toLowerCase());
      expect(resultRows[0]!.toLowerCase()).not.toContain(value.toLowerCase());
    }
    expect(results).toMatch(/ana\.new@contoso\.onmicrosoft\.com,Ana New,\S+,Created,/);
  });

  it('a shifted password that breaks the alias rule names neither the alias nor the account holding it', async () => {
    const { preview, results } = await verifyAndImport(['Someone Two,Zed.Rx9@contoso.onmicrosoft.com,,No']);
    const shown = `${previewText(preview)}\n${results}`;
    expect(shown).toMatch(/The alias of this username is already used by an account on another domain/);
    expect(shown.toLowerCase()).not.toContain('zed');
  });

  it('whatever a shifted password holds and wherever it lands, no cell of its row is quoted (property)', async () => {
    const aliasChars = fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789._-!#~'.split(''));
    const alias = fc.string({ unit: aliasChars, minLength: 4, maxLength: 12 }).filter((a) => /^[A-Za-z0-9]/.test(a) && !/[.]$/.test(a));
    const fragment = fc.oneof(
      // existing usernames, and the alias of the one made on a custom domain at another domain
      fc.constantFrom('Kim.Lee@contoso.onmicrosoft.com', 'kim.lee@CONTOSO.onmicrosoft.com', 'Zed.Rx9@contoso.onmicrosoft.com'),
      fc.tuple(alias, fc.constantFrom('contoso.onmicrosoft.com', 'contoso.com', 'fabrikam.com')).map(([a, d]) => `${a}@${d}`),
      fc.string({ unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%^&*+=?~ @.'.split('')), minLength: 6, maxLength: 16 }),
      fc.string({ unit: aliasChars, minLength: 70, maxLength: 90 }),
      fc.constantFrom('Yes2Much!', 'NLX7', 'Netherl@nds9'),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { minLength: 2, maxLength: 3 }), fc.nat({ max: ENTRA_TEMPLATE_HEADERS.length - 1 }), async (parts, column) => {
        n++;
        const cells = [`Rowan Quill${n}`, `rq${n}x@contoso.onmicrosoft.com`, '', 'No', 'Rowan', `Quill${n}`, 'Engineer', 'Engineering', 'NL'];
        while (cells.length < ENTRA_TEMPLATE_HEADERS.length) cells.push('');
        // The password, unquoted, holds the separator: its parts spread over the next columns.
        cells[column] = parts.join(',');
        const { preview, results } = await verifyAndImport([cells.join(',')]);
        const notCreated = results.split('\r\n').filter((line) => line.startsWith('3,') && line.includes(',Not created,'));
        const createdReasons = results
          .split('\r\n')
          .filter((line) => line.startsWith('3,') && !line.includes(',Not created,'))
          .map((line) => line.split(',').at(-1) ?? '');
        const shown = [previewText(preview), ...notCreated, ...createdReasons].join('\n').toLowerCase();
        const values = cells.flatMap((cell) => cell.split(',')).map((value) => value.trim());
        const quotable = values.flatMap((value) => [value, ...(value.includes('@') ? [value.split('@')[0]!] : [])]).filter((value) => value.length >= 4);
        for (const value of quotable) expect(shown, `row ${cells.join(',')}`).not.toContain(value.toLowerCase());
      }),
      { numRuns: 40 },
    );
  });
});
