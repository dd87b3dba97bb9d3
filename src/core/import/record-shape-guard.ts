/**
 * Bounds the work one file can cause, whatever its shape, before csv-parse sees its text.
 *
 * csv-parse's `max_record_size` counts characters, not empty fields, so a row of a million commas
 * passes it and becomes an array of a million cells; and csv-parse builds (and drops) an error
 * object, with its stack trace, for every record whose cell count differs from the first record's,
 * so blank lines cost ~25 µs each: 20 million of them in a 19 MB file took minutes. Non-blank rows
 * are bounded by the row limit; this guard bounds the other two: cells per row and blank rows.
 *
 * It follows csv-parse's quoting closely enough to count (a quote opens a quoted value only at the
 * start of a cell, `""` inside one is a quote) and throws `RecordShapeError` as soon as a limit is
 * passed, so neither the time nor the memory spent depends on what follows.
 */
import type { ImportDelimiter } from './types.js';

export class RecordShapeError extends Error {
  constructor(
    message: string,
    readonly rowNumber: number,
    readonly kind: 'columns' | 'blank-lines',
  ) {
    super(message);
    this.name = 'RecordShapeError';
  }
}

export interface RecordShapeLimits {
  maxColumns: number;
  maxBlankLines: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The characters String.prototype.trim drops (what `isBlankRecord` calls empty). */
function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const format = (n: number) => n.toLocaleString('en-US');

export class RecordShapeGuard {
  private readonly delimiter: number;
  /** Excel row number of the record being read. */
  private row = 1;
  private cells = 1;
  private quoting = false;
  /** Inside a quoted value, the last character was a quote: an escaped quote or the closing one. */
  private quoteInQuoted = false;
  /** Only whitespace so far in the current cell (a quote here opens a quoted value). */
  private atCellStart = true;
  /** Only whitespace, separators and quotes that open or close values so far in the record. */
  private blank = true;
  private blankLines = 0;
  private lastWasCr = false;

  constructor(
    delimiter: ImportDelimiter,
    private readonly limits: RecordShapeLimits,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Reads the next piece of the file's text; throws `RecordShapeError` when a limit is passed. */
  check(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const afterCr = this.lastWasCr;
      this.lastWasCr = false;
      if (this.quoting) {
        if (this.quoteInQuoted) {
          this.quoteInQuoted = false;
          if (code === QUOTE) {
            this.blank = false; // "" is a quote inside the value
            continue;
          }
          this.quoting = false; // that quote closed the value; read this character outside quotes
        } else {
          if (code === QUOTE) this.quoteInQuoted = true;
          else if (!isWhitespace(code)) this.blank = false;
          continue;
        }
      }
      if (code === LF || code === CR) {
        if (code === LF && afterCr) continue; // the \n of \r\n
        this.endRecord();
        this.lastWasCr = code === CR;
      } else if (code === this.delimiter) {
        this.cells++;
        this.atCellStart = true;
        if (this.cells > this.limits.maxColumns) {
          throw new RecordShapeError(
            `Row ${this.row} has more than ${format(this.limits.maxColumns)} columns; the templates have at most a few dozen: check that the file uses one separator and that each user is on a line of its own.`,
            this.row,
            'columns',
          );
        }
      } else if (code === QUOTE && this.atCellStart) {
        this.quoting = true;
        this.atCellStart = false;
      } else if (!isWhitespace(code)) {
        this.blank = false;
        this.atCellStart = false;
      }
    }
  }

  private endRecord(): void {
    if (this.blank) {
      this.blankLines++;
      if (this.blankLines > this.limits.maxBlankLines) {
        throw new RecordShapeError(
          `The file has more than ${format(this.limits.maxBlankLines)} blank rows (the limit was passed on row ${format(this.row)}): delete the empty rows (in Excel, select them and choose Delete) and save the file again.`,
          this.row,
          'blank-lines',
        );
      }
    }
    this.row++;
    this.cells = 1;
    this.atCellStart = true;
    this.blank = true;
  }
}
