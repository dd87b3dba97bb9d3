/**
 * Streams a CSV file's records from disk: bytes → text (one chunk at a time) → csv-parse.
 * Every record is yielded, blank ones too, so the n-th record is the n-th row Excel shows.
 */
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { RecordShapeGuard, type RecordShapeLimits } from './record-shape-guard.js';
import { createChunkDecoder } from './text-encoding.js';
import type { ImportDelimiter, ImportEncoding } from './types.js';

/** A row longer than this (in bytes) stops the read: almost always a quote that is never closed. */
export const MAX_ROW_BYTES = 100_000;
const CHUNK_BYTES = 64 * 1024;

/** The file's text cannot be read as CSV; `message` says where and how to fix it. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly rowNumber: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** The file holds NUL characters: binary data, not text. */
export class BinaryContentError extends Error {
  constructor() {
    super('The file holds binary data.');
    this.name = 'BinaryContentError';
  }
}

export interface RecordStreamOptions {
  path: string;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  /** Invalid UTF-8 throws (see `isInvalidEncodingError`) instead of becoming U+FFFD. */
  fatal?: boolean;
  /** Sees every chunk of bytes read, in order (for hashing). */
  onBytes?: (chunk: Buffer) => void;
  /** Most cells in a row and blank rows in the file: passing one throws `RecordShapeError`. */
  shapeLimits: RecordShapeLimits;
}

async function* decodedText(options: RecordStreamOptions): AsyncGenerator<string> {
  const decoder = createChunkDecoder(options.encoding, options.fatal ?? false);
  const guard = new RecordShapeGuard(options.delimiter, options.shapeLimits);
  for await (const chunk of createReadStream(options.path, { highWaterMark: CHUNK_BYTES })) {
    const bytes = chunk as Buffer;
    options.onBytes?.(bytes);
    const text = decoder.decode(bytes);
    if (text.includes('\0')) throw new BinaryContentError();
    guard.check(text);
    if (text !== '') yield text;
  }
  const tail = decoder.end();
  if (tail.includes('\0')) throw new BinaryContentError();
  guard.check(tail);
  if (tail !== '') yield tail;
}

/**
 * The records of the file, as arrays of raw (untrimmed) cells. Throws `CsvFormatError` for a
 * file-level format problem, `RecordShapeError` (too many cells in a row, too many blank rows),
 * `BinaryContentError`, the decoder's TypeError (when `fatal`) or an I/O error.
 */
export async function* readCsvRecords(options: RecordStreamOptions): AsyncGenerator<string[]> {
  const parser = parse({
    delimiter: options.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    // Column counts are checked per row (a row problem, not a file failure).
    relax_column_count: true,
    // A quote inside an unquoted value (5" screen, O"Brien) is kept as text.
    relax_quotes: true,
    // Spaces around separators and quoted values are dropped, so ` "a,b" ` reads as a,b.
    ltrim: true,
    rtrim: true,
    bom: false,
    skip_empty_lines: false,
    max_record_size: MAX_ROW_BYTES,
  });
  pipeline(Readable.from(decodedText(options)), parser, () => {
    // Errors reach the consumer through the parser's iterator.
  });
  try {
    for await (const record of parser) yield record as string[];
  } catch (error) {
    throw error instanceof CsvError ? formatError(error, parser) : error;
  } finally {
    parser.destroy();
  }
}

function formatError(error: CsvError, parser: object): CsvFormatError {
  const records = typeof error.records === 'number' ? error.records : 0;
  const row = records + 1;
  const quoting = (parser as { state?: { quoting?: unknown } }).state?.quoting === true;
  const unclosed = `Row ${row} has a quote that is never closed (a value starts with " but no closing " follows, so the rest of the file reads as one value): close the quote or remove it.`;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvFormatError(unclosed, row);
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvFormatError(
        quoting ? unclosed : `Row ${row} is over ${MAX_ROW_BYTES.toLocaleString('en-US')} characters long: check that each user is on a line of its own.`,
        row,
      );
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CsvFormatError(
        `Row ${row} has text right after a closing quote: put the whole value in quotes, and write a quote inside a value as two quotes ("").`,
        row,
      );
    default:
      return new CsvFormatError(`Row ${row} could not be read as CSV (${error.message}): save the file again as CSV UTF-8.`, row);
  }
}
