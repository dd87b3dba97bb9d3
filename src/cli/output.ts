import { csvCell } from '../core/bulk/csv-out.js';
import type { Print } from './cli-kit.js';

export const OUTPUT_FORMATS = ['text', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Cell = string | number | boolean | null | string[];
export type Row = Record<string, Cell>;

/**
 * Rows in the format asked (`--output`): `text` as each command prints them; `json` one JSON array
 * (one object a line, written as the rows come, so paging through thousands streams); `csv` a
 * header of the field names, then one line a row (cells that would start a formula neutralized).
 * Field names are the command's documented ones (README, "Output formats"), in this order.
 */
export class RowWriter {
  private count = 0;
  constructor(
    private readonly format: OutputFormat,
    private readonly fields: readonly string[],
    private readonly write: (text: string) => void,
    private readonly text: (row: Row) => string,
  ) {}

  rows(rows: readonly Row[]): void {
    for (const row of rows) this.row(row);
  }

  row(row: Row): void {
    if (this.format === 'text') this.write(`${this.text(row)}\n`);
    else if (this.format === 'json')
      this.write(`${this.count === 0 ? '[\n' : ',\n'}${JSON.stringify(Object.fromEntries(this.fields.map((f) => [f, row[f] ?? null])))}`);
    else {
      if (this.count === 0) this.write(`${this.fields.join(',')}\r\n`);
      this.write(`${this.fields.map((f) => csvCell(cellText(row[f]))).join(',')}\r\n`);
    }
    this.count += 1;
  }

  /** Ends the output: json closes its array (`[]` when there was no row), csv writes its header when there was none. */
  end(): number {
    if (this.format === 'json') this.write(this.count === 0 ? '[]\n' : '\n]\n');
    if (this.format === 'csv' && this.count === 0) this.write(`${this.fields.join(',')}\r\n`);
    return this.count;
  }
}

function cellText(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join('; ');
  return String(value);
}

/** One record (`users show`, `users add`): text lines as the command prints them, or one JSON object, or a CSV of one row. */
export function writeRecord(format: OutputFormat, record: Row, write: (text: string) => void, textLines: () => string[]): void {
  if (format === 'json') write(`${JSON.stringify(record)}\n`);
  else if (format === 'csv') {
    const fields = Object.keys(record);
    write(`${fields.join(',')}\r\n${fields.map((f) => csvCell(cellText(record[f]))).join(',')}\r\n`);
  } else for (const line of textLines()) write(`${line}\n`);
}

/** Summary lines: on stdout with text; on stderr with json and csv, so that stdout is only the data. */
export const summaryPrinter = (format: OutputFormat, print: Print, problem: Print): Print => (format === 'text' ? print : problem);
