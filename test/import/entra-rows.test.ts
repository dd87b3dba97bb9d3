/**
 * Entra files (security review): a password never appears in a problem message, even when an
 * unquoted separator shifts it into another column; Microsoft's example row is skipped only when
 * its domain is not the organization's, and the file says which row was skipped and why.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_TEMPLATE_HEADERS, adminCenterHeaderLine, openImportFile, type ImportFile, type ImportRow } from '../../src/core/import/index.js';
import { formatCsvLine } from '../support/sample-import-file.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-entra-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SECRET = 'Shifted-Secret-77!';
const ENTRA_HEADER = `version:v1.0\n${formatCsvLine([...ENTRA_TEMPLATE_HEADERS])}`;
/** A row of the Entra template, cells in the template's order. */
const entraRow = (cells: Partial<Record<number, string>>) => ENTRA_TEMPLATE_HEADERS.map((_, i) => cells[i] ?? '').join(',');

async function open(lines: string[], domains?: string[]): Promise<{ file: ImportFile; rows: ImportRow[] }> {
  const path = join(dir, `e-${++counter}.csv`);
  await writeFile(path, lines.join('\r\n'));
  const opened = await openImportFile(path, {}, { organizationDomains: domains });
  if (!opened.ok) throw new Error(opened.message);
  const rows: ImportRow[] = [];
  for await (const row of opened.file.rows()) rows.push(row);
  return { file: opened.file, rows };
}

const messagesOf = (rows: ImportRow[]) => rows.flatMap((row) => row.problems.map((problem) => `${problem.column}: ${problem.message}`));

describe('no problem message quotes a password', () => {
  it('an unquoted comma in the name shifts the password into "Block sign in": the message says what is wrong without the value', async () => {
    const shifted = `Green, Chris,chris.green@contoso.com,${SECRET},No,Chris,Green,,,NL,,,,,,,,`;
    const { file, rows } = await open([ENTRA_HEADER, shifted]);
    expect(file.holdsPasswords).toBe(true);
    const messages = messagesOf(rows);
    expect(messages).toContain(
      'Block sign in (Yes/No) [accountEnabled] Required: The value is not Yes or No: write Yes to block sign-in or No to allow it. (Roster does not show values from a file that holds passwords.)',
    );
    expect(messages.join('\n')).not.toContain('Secret');
  });

  it('whichever column a password lands in, no message holds it', async () => {
    const secrets = [SECRET, 'Pa55 word with spaces', 'x@y', 'Sneaky@Secret.Domain!'];
    for (const secret of secrets) {
      const lines = [ENTRA_HEADER];
      for (let column = 0; column < ENTRA_TEMPLATE_HEADERS.length; column++) {
        lines.push(entraRow({ 0: 'Ana', 1: 'ana@contoso.com', 3: 'No', [column]: secret }));
      }
      lines.push(`Ana,ana@contoso.com,x,No,,,,,,,,,,,,,,${secret}`);
      const { rows } = await open(lines);
      expect(messagesOf(rows).length).toBeGreaterThan(0);
      for (const message of messagesOf(rows)) expect(message.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('files without a password column still quote the value at fault', async () => {
    const header = formatCsvLine(adminCenterHeaderLine('admin-center-2024'));
    const { file, rows } = await open([header, 'ana@contoso.com,Ana,,Ana,,,,,,,not-an-email,,,,,']);
    expect(file.holdsPasswords).toBe(false);
    expect(messagesOf(rows)).toEqual([
      'Alternate email address: Alternate email address "not-an-email" is not a valid email address. Write it as name@example.com.',
    ]);
  });
});

describe("Microsoft's example row", () => {
  const chris = (domain: string) => entraRow({ 0: 'Chris Green', 1: `chris@${domain}`, 3: 'No', 4: 'Chris', 5: 'Green', 6: 'IT Manager' });
  const ana = entraRow({ 0: 'Ana', 1: 'ana@contoso.onmicrosoft.com', 3: 'No' });

  it('is a real user in an organization whose domain it uses', async () => {
    const { file, rows } = await open([ENTRA_HEADER, chris('contoso.onmicrosoft.com'), ana], ['contoso.onmicrosoft.com']);
    expect(file.skippedExampleRow).toBeUndefined();
    expect(file.userRowCount).toBe(2);
    expect(rows.map((row) => row.fields.displayName)).toEqual(['Chris Green', 'Ana']);
  });

  it('is skipped at a domain the organization does not have, and the file says which row and why', async () => {
    const { file, rows } = await open([ENTRA_HEADER, chris('contoso.com'), ana], ['contoso.onmicrosoft.com']);
    expect(file.skippedExampleRow).toEqual({
      rowNumber: 3,
      reason:
        "Row 3 was skipped: it is Microsoft's example row from the Entra template (Chris Green at contoso.com, a domain the organization does not have). Delete it from the file, or if it is a real user, use one of the organization's domains.",
    });
    expect(file.userRowCount).toBe(1);
    expect(rows.map((row) => row.rowNumber)).toEqual([4]);
  });
});
