/**
 * CSV files Roster writes: UTF-8 with a BOM so Excel opens them cleanly, CRLF line ends, and cells
 * that a spreadsheet would run as a formula neutralized with a leading apostrophe (OWASP's advice
 * against CSV injection): those starting with = + - @, their full-width forms ＝ ＋ － ＠ (which
 * spreadsheets in CJK locales read as the ASCII ones), | or ｜ (DDE), a tab or a CR.
 */
const BOM = '\uFEFF';
/** What starts a cell a spreadsheet would run (see above). */
export const FORMULA_START = /^[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20\uFF5C\t\r]/;

export function csvCell(value: string | number | undefined | null): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | undefined | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Rows written between two turns of the event loop: a 100,000-row results file is built in slices of a few ms. */
const ROWS_PER_SLICE = 2_000;

/** A whole CSV file; a long one is built slice by slice, letting other requests run in between. */
export async function csvDocument(header: readonly string[], rows: Iterable<readonly (string | number | undefined | null)[]>): Promise<Buffer> {
  const parts = [BOM, csvLine(header)];
  for (const row of rows) {
    parts.push(csvLine(row));
    if (parts.length % ROWS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return Buffer.from(parts.join(''), 'utf8');
}
