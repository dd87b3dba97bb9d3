/** Property-based checks of the file reader: it never crashes, never lets a bad username through, and round-trips. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUsername } from '../../src/core/rules/username.js';
import { PROFILE_FIELDS } from '../../src/core/rules/profile-fields.js';
import { hasVisibleCharacter } from '../../src/core/rules/profile-text.js';
import {
  ADMIN_CENTER_2024_FIELDS,
  adminCenterHeaderLine,
  encodeText,
  openImportFile,
  type ImportDelimiter,
  type ImportFileResult,
  type ImportRow,
} from '../../src/core/import/index.js';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/entra-layout.js';
import { formatCsvLine } from '../support/sample-import-file.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-test-import-props-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(content: Uint8Array | string): Promise<{ result: ImportFileResult; rows: ImportRow[] }> {
  const path = join(dir, `p-${++counter}.csv`);
  await writeFile(path, content);
  const result = await openImportFile(path);
  const rows: ImportRow[] = [];
  if (result.ok) for await (const row of result.file.rows()) rows.push(row);
  await rm(path);
  return { result, rows };
}

const failureShape = { ok: false, code: expect.stringMatching(/^(invalid_input|limit_exceeded)$/), message: expect.any(String) };

const HEADER_2024 = adminCenterHeaderLine('admin-center-2024');
const headerBytes = (delimiter: ImportDelimiter) => Buffer.from(`${formatCsvLine(HEADER_2024, delimiter)}\r\n`);
const ENTRA_START = Buffer.from(`version:v1.0\n${formatCsvLine(ENTRA_TEMPLATE_HEADERS)}\n`);

/** Strings full of the characters that trouble CSV readers. */
const nasty = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(',', ';', '\t', '"', '\n', '\r', '\r\n', ' ', '@', '.', '\u00a0', '\ufeff', 'é', '€', '日', '🐱') },
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 30,
});

describe('properties', () => {
  it('(a) random bytes never make openImportFile or rows() throw', async () => {
    const prefix = fc.constantFrom(
      Buffer.alloc(0),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xfe, 0xff]),
      headerBytes(','),
      headerBytes(';'),
      ENTRA_START,
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.constantFrom(...Buffer.from(',;\t"\r\n @abc.é'), 0x00, 0xeb, 0x80, 0xc3), { maxLength: 300 }).map((b) => Uint8Array.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(prefix, body, async (head, tail) => {
        const { result, rows } = await readAll(Buffer.concat([head, tail]));
        if (!result.ok) expect(result).toEqual(failureShape);
        else expect(rows.length).toBe(result.file.userRowCount);
      }),
      { numRuns: 200 },
    );
  });

  it('(b) arbitrary values never crash and never let an invalid username through', async () => {
    const userName = fc.oneof(
      nasty,
      nasty.map((s) => `${s}@contoso.com`),
      fc.constantFrom(' a@contoso.com', 'a@b@c.com', 'a.@contoso.com', 'é@contoso.com', 'a b@contoso.com', 'ok@contoso.com'),
    );
    // Mostly a usable display name, so that many rows have no other problem to hide behind.
    const displayName = fc.oneof({ weight: 3, arbitrary: fc.constant('Chris Green') }, { weight: 1, arbitrary: nasty });
    const user = fc.tuple(userName, fc.array(nasty, { maxLength: 2 }), displayName, fc.array(nasty, { maxLength: 14 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<ImportDelimiter>(',', ';', '\t'), fc.array(user, { minLength: 1, maxLength: 6 }), async (delimiter, users) => {
        const lines = users.map(([name, names, display, rest]) =>
          formatCsvLine([name, ...names, ...Array<string>(2 - names.length).fill(''), display, ...rest], delimiter),
        );
        const { result, rows } = await readAll(`${formatCsvLine(HEADER_2024, delimiter)}\r\n${lines.join('\r\n')}\r\n`);
        if (!result.ok) {
          expect(result).toEqual(failureShape);
          return;
        }
        for (const read of rows) {
          const valid = parseUsername(read.fields.userName ?? '').ok;
          const flagged = read.problems.some((problem) => problem.column === 'User Name');
          expect(flagged).toBe(!valid);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('(c) valid rows written with proper quoting come back with the same values', async () => {
    const aliasChar = fc.constantFrom(..."abcXYZ019'-_!#^~");
    const alias = fc
      .tuple(
        fc.string({ unit: aliasChar, minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ unit: aliasChar, minLength: 1, maxLength: 6 }), { maxLength: 2 }),
      )
      .map(([head, parts]) => [head, ...parts].join('.'));
    const domain = fc.constantFrom('contoso.com', 'Contoso.onmicrosoft.com', 'sub.fabrikam.co.uk');
    // A valid value holds no control character and something visible (src/core/rules/profile-text.ts).
    const valid = nasty.map((s) => s.replace(/\p{Cc}/gu, '')).filter((s) => hasVisibleCharacter(s));
    const value = (max: number) =>
      fc.oneof(
        fc.constant(''),
        valid.map((s) => s.slice(0, max)).filter((s) => hasVisibleCharacter(s)),
      );
    const profile = ADMIN_CENTER_2024_FIELDS.slice(1).map((field) =>
      field === 'alternateEmail'
        ? fc.constantFrom('', 'someone@example.net')
        : value(field in PROFILE_FIELDS ? PROFILE_FIELDS[field as keyof typeof PROFILE_FIELDS].max : 64),
    );
    const user = fc
      .tuple(alias, domain, valid, fc.tuple(...profile))
      .map(([a, d, display, rest]) => [`${a}@${d}`, ...rest.map((v, i) => (i === 2 ? display : v))]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ImportDelimiter>(',', ';', '\t'),
        fc.constantFrom('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'),
        fc.constantFrom('\r\n', '\n'),
        fc.array(user, { minLength: 1, maxLength: 6 }),
        async (delimiter, encoding, eol, users) => {
          const text = [HEADER_2024, ...users].map((cells) => formatCsvLine(cells, delimiter)).join(eol) + eol;
          const { result, rows } = await readAll(encodeText(text, encoding));
          if (!result.ok) throw new Error(result.message);
          expect(rows.map((read) => read.rowNumber)).toEqual(users.map((_, i) => i + 2));
          rows.forEach((read, i) => {
            const expected = Object.fromEntries(ADMIN_CENTER_2024_FIELDS.map((field, column) => [field, users[i]?.[column]?.trim() || undefined]));
            expect({ ...read.fields }).toEqual(expected);
            expect(read.problems).toEqual([]);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
