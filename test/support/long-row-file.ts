/**
 * "Long-row" CSV files: every row close to the reader's per-row limit (100,000 characters), its
 * length in the columns Roster keeps (display name, job title, address…), so that each row read
 * holds ~100 KB. They are what ran the shared import worker out of memory (issue 20, item 6).
 */
import { open } from 'node:fs/promises';
import { adminCenterHeaderLine } from '../../src/core/import/admin-center-layout.js';

const HEADER = adminCenterHeaderLine('admin-center-2024').join(',');

/** One admin-center row of ~`chars` characters: a valid username, the rest spread over 13 kept columns. */
export function longRow(alias: string, chars = 98_000): string {
  const each = Math.floor(chars / 13);
  const value = (letter: string) => letter.repeat(each);
  const long = 'defghijklmnop'.split('').map(value);
  return [`${alias}@contoso.onmicrosoft.com`, alias, alias, ...long].join(',');
}

/** Writes the header and `rows` long rows (usernames `<prefix>1`, `<prefix>2`…); ~100 KB a row. */
export async function writeLongRowFile(path: string, rows: number, prefix = 'long'): Promise<string> {
  const handle = await open(path, 'w');
  try {
    await handle.write(`${HEADER}\r\n`);
    for (let i = 1; i <= rows; i++) await handle.write(`${longRow(`${prefix}${i}`)}\r\n`);
  } finally {
    await handle.close();
  }
  return path;
}
