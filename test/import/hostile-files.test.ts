/**
 * Files shaped to cost a lot of work (security review): millions of blank rows, a row of a million
 * empty cells. Each is refused with a message naming the problem and the row, before the work
 * grows with the file. Real files, written here, read through `openImportFile`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCenterHeaderLine, openImportFile, type ImportLimits, type ImportRow } from '../../src/core/import/index.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = adminCenterHeaderLine('admin-center-2024').join(',');
const user = (alias: string) => `${alias}@contoso.com,${alias},,${alias},,,,,,,,,,,,`;

async function fileWith(content: string): Promise<string> {
  const path = join(dir, `h-${++counter}.csv`);
  await writeFile(path, content);
  return path;
}

async function rowsOf(path: string, limits: ImportLimits = {}): Promise<ImportRow[]> {
  const opened = await openImportFile(path, limits);
  if (!opened.ok) throw new Error(opened.message);
  const rows: ImportRow[] = [];
  for await (const row of opened.file.rows()) rows.push(row);
  return rows;
}

describe('blank rows count against a limit', () => {
  it('a header and more than 10,000 blank lines is refused, naming the row where the limit was passed', async () => {
    const path = await fileWith(`${HEADER}\n${'\n'.repeat(10_050)}`);
    expect(await openImportFile(path)).toEqual({
      ok: false,
      code: 'limit_exceeded',
      message:
        'The file has more than 10,000 blank rows (the limit was passed on row 10,002): delete the empty rows (in Excel, select them and choose Delete) and save the file again.',
    });
  });

  it('rows of separators, spaces, \\r\\n line ends and empty quoted values are blank rows too, before or among users', async () => {
    const blankKinds = [',,,,', '   ', '"",""', ' , ', '\t'];
    const path = await fileWith(
      ['', '', HEADER, user('ana'), ...Array.from({ length: 30 }, (_, i) => blankKinds[i % blankKinds.length]), user('ben')].join('\r\n'),
    );
    const opened = await openImportFile(path, { maxBlankLines: 29 });
    expect(opened).toMatchObject({
      ok: false,
      code: 'limit_exceeded',
      message: expect.stringContaining('more than 29 blank rows (the limit was passed on row 32)'),
    });
    expect(await rowsOf(path, { maxBlankLines: 32 })).toHaveLength(2);
  });

  it('a quoted value holding text across line breaks, or a quote, is not blank', async () => {
    const path = await fileWith([HEADER, user('ana'), `"x\n\n\ny",,,,,,,,,,,,,,,`, `"""",,,,,,,,,,,,,,,`, user('ben')].join('\n'));
    const rows = await rowsOf(path, { maxBlankLines: 0 });
    expect(rows.map((row) => row.rowNumber)).toEqual([2, 3, 4, 5]);
  });
});

describe('cells per row are bounded', () => {
  it('a header and one row of 1,000,000 commas is refused, naming the row', async () => {
    const path = await fileWith(`${HEADER}\n${','.repeat(1_000_000)}\n`);
    expect(await openImportFile(path)).toEqual({
      ok: false,
      code: 'limit_exceeded',
      message:
        'Row 2 has more than 1,000 columns; the templates have at most a few dozen: check that the file uses one separator and that each user is on a line of its own.',
    });
  });

  it('1,000 cells is still a row (with a column-count problem); separators inside quotes are not cells', async () => {
    const quotedCommas = `"${','.repeat(5_000)}"`;
    const path = await fileWith([HEADER, `${user('ana')}${',x'.repeat(984)}`, `ben@contoso.com,Ben,,${quotedCommas},,,,,,,,,,,,`].join('\n'));
    const rows = await rowsOf(path);
    expect(rows[0]!.problems[0]!.message).toMatch(/^Row 2 has 1000 columns; the admin center layout has 16/);
    expect(rows[1]!.fields.displayName).toBe(','.repeat(5_000));
  });

  it('a header wider than the limit is refused too', async () => {
    const path = await fileWith(`${'x,'.repeat(1_500)}x\n${user('ana')}\n`);
    expect(await openImportFile(path)).toMatchObject({ ok: false, message: expect.stringMatching(/^Row 1 has more than 1,000 columns/) });
  });
});
