import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ImportFileChangedError,
  adminCenterHeaderLine,
  encodeText,
  formatBytes,
  openImportFile,
  type ImportFile,
  type ImportRow,
} from '../../src/core/import/index.js';
import { MAX_ROW_BYTES } from '../../src/core/import/csv-records.js';
import { formatCsvLine, writeSampleImportFile } from '../support/sample-import-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-test-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function fileWith(content: string | Uint8Array): Promise<string> {
  const path = join(dir, `file-${++counter}.csv`);
  await writeFile(path, content);
  return path;
}

async function opened(path: string, limits?: Parameters<typeof openImportFile>[1]): Promise<ImportFile> {
  const result = await openImportFile(path, limits);
  if (!result.ok) throw new Error(result.message);
  return result.file;
}

async function collect(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const all: ImportRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const HEADER = formatCsvLine(adminCenterHeaderLine('admin-center-2024'));
const user = (alias: string, display = alias) => formatCsvLine([`${alias}@contoso.com`, '', '', display, ...Array<string>(12).fill('')]);

describe('openImportFile', () => {
  it('hands back size, hash and header, and streams rows again on every call', async () => {
    const path = await fileWith(`${HEADER}\r\n${user('chris', 'Chris Green')}\r\n${user('ben', 'Ben Andrews')}\r\n`);
    const file = await opened(path);
    expect(file.sizeBytes).toBeGreaterThan(200);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(file.headerLabels).toEqual(adminCenterHeaderLine('admin-center-2024'));
    const rows = file.rows();
    const first = await collect(rows);
    const again = await collect(rows);
    const fresh = await collect(file.rows());
    expect(first.map((row) => row.fields.displayName)).toEqual(['Chris Green', 'Ben Andrews']);
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
  });

  it('lets a caller stop reading early and read again', async () => {
    const path = join(dir, 'early-stop.csv');
    await writeSampleImportFile(path, 3000);
    const file = await opened(path);
    for await (const row of file.rows()) {
      expect(row.rowNumber).toBe(2);
      break;
    }
    expect((await collect(file.rows())).length).toBe(3000);
  });

  it('refuses to stream a file that changed after it was checked', async () => {
    const path = await fileWith(`${HEADER}\n${user('chris')}\n`);
    const file = await opened(path);
    await appendFile(path, `${user('mallory')}\n`);
    await expect(collect(file.rows())).rejects.toBeInstanceOf(ImportFileChangedError);
    await writeFile(path, `${HEADER}\n${user('chrjs')}\n`); // same size, other bytes
    await expect(collect(file.rows())).rejects.toBeInstanceOf(ImportFileChangedError);
    await writeFile(path, `${HEADER}\n${user('chris').replace('c', '"')}\n`); // same size, now a quote never closed
    await expect(collect(file.rows())).rejects.toBeInstanceOf(ImportFileChangedError);
  });

  it('never throws for a file that is missing or is a folder', async () => {
    expect(await openImportFile(join(dir, 'nope.csv'))).toEqual({
      ok: false,
      code: 'invalid_input',
      message: 'Roster could not find the file: upload it again.',
    });
    const folder = join(dir, 'folder.csv');
    await mkdir(folder);
    expect(await openImportFile(folder)).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('falls back to Windows-1252 when a byte far into the file is not UTF-8', async () => {
    const path = join(dir, 'late-1252.csv');
    await writeSampleImportFile(path, 2000, { encoding: 'utf-8' });
    // Plain ASCII row at the end with one 1252 byte: only a full pass can tell.
    await appendFile(
      path,
      Buffer.concat([Buffer.from('late@contoso.com,Zo'), Buffer.from([0xeb]), Buffer.from(',,Zo'), Buffer.from([0xeb]), Buffer.from(',,,,,,,,,,,,\r\n')]),
    );
    const file = await opened(path);
    expect(file.encoding).toBe('windows-1252');
    const rows = await collect(file.rows());
    expect(rows.at(-1)?.fields.displayName).toBe('Zoë');
  });

  it('finds binary data past the first chunk', async () => {
    const path = join(dir, 'late-nul.csv');
    await writeSampleImportFile(path, 2000);
    await appendFile(path, Buffer.from([0x41, 0, 0x42, 0x0a]));
    expect(await openImportFile(path)).toEqual({
      ok: false,
      code: 'invalid_input',
      message: 'This is not a CSV file (it looks like binary data): save it as CSV UTF-8 in Excel and upload that file.',
    });
  });

  it('names the row where a quote opens even when it runs for over 100,000 characters', async () => {
    const filler = Array.from({ length: 4000 }, (_, i) => user(`user${i}`)).join('\n');
    expect(filler.length).toBeGreaterThan(MAX_ROW_BYTES);
    const path = await fileWith(`${HEADER}\n${user('chris')}\nben@contoso.com,"Ben\n${filler}\n`);
    const result = await openImportFile(path);
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!result.ok && result.message).toMatch(/^Row 3 has a quote that is never closed/);
  });

  it('refuses a user in the first row even when a header follows', async () => {
    const path = await fileWith(`${user('chris')}\n${HEADER}\n`);
    expect(await openImportFile(path)).toMatchObject({ ok: false, message: expect.stringMatching(/^The first row looks like a user/) });
  });

  it('accepts the row limit exactly and refuses one more', async () => {
    const path = join(dir, 'ten.csv');
    await writeSampleImportFile(path, 10);
    expect((await opened(path, { maxRows: 10 })).userRowCount).toBe(10);
    expect(await openImportFile(path, { maxRows: 9 })).toMatchObject({ ok: false, code: 'limit_exceeded' });
  });

  it('states the size limit in the unit a person reads', async () => {
    const path = await fileWith(`${HEADER}\n${user('chris')}\n${'x'.repeat(2000)}\n`);
    expect(await openImportFile(path, { maxBytes: 1024 })).toEqual({
      ok: false,
      code: 'limit_exceeded',
      message: 'The file is 2.2 KB; the most Roster reads is 1 KB. Split it into smaller files.',
    });
    expect(formatBytes(25.3 * 1024 * 1024)).toBe('25.3 MB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(20 * 1024 * 1024 + 1)).toBe('20.1 MB');
    expect(formatBytes(999)).toBe('999 bytes');
  });

  it.each([
    ['admin-center-2024', 'utf-8', ','],
    ['admin-center-2020', 'utf-8-bom', ';'],
    ['entra-v1', 'utf-16le', '\t'],
    ['entra-v1', 'utf-16be', ','],
    ['admin-center-2024', 'windows-1252', ';'],
  ] as const)('reads back the sample generator output: %s, %s, %j', async (layout, encoding, delimiter) => {
    const path = join(dir, `sample-${layout}-${encoding}.csv`);
    await writeSampleImportFile(path, 250, { layout, encoding, delimiter, exampleRow: true, lineEnding: '\n' });
    const file = await opened(path);
    expect({ layout: file.layout, encoding: file.encoding, delimiter: file.delimiter, userRowCount: file.userRowCount }).toEqual({
      layout,
      encoding,
      delimiter,
      userRowCount: 250,
    });
    const rows = await collect(file.rows());
    expect(rows.filter((row) => row.problems.length > 0)).toEqual([]);
    expect(rows[0]?.fields.firstName).toBe('Zoë');
    expect(rows[0]?.fields.address).toBe('1 Main Street, Suite 1');
  });

  it('reads a header written in UTF-16 with every user on its own row', async () => {
    const text = `${HEADER}\r\n${user('chris', 'Zoë Müller')}\r\n`;
    const file = await opened(await fileWith(encodeText(text, 'utf-16le')));
    expect((await collect(file.rows())).map((row) => [row.rowNumber, row.fields.displayName])).toEqual([[2, 'Zoë Müller']]);
  });
});
