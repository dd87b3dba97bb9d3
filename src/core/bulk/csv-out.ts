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

export function csvDocument(header: readonly string[], rows: Iterable<readonly (string | number | undefined | null)[]>): Buffer {
  const parts = [BOM, csvLine(header)];
  for (const row of rows) parts.push(csvLine(row));
  return Buffer.from(parts.join(''), 'utf8');
}
