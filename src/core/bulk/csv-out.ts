/**
 * CSV files Roster writes: UTF-8 with a BOM so Excel opens them cleanly, CRLF line ends, and cells
 * that Excel would run as a formula (starting with = + - @, or tab/CR) neutralized with a leading
 * apostrophe (OWASP's advice against CSV injection).
 */
const BOM = '\uFEFF';

export function csvCell(value: string | number | undefined | null): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
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
