/**
 * Opening an uploaded CSV: checks the whole file once (size, encoding, separator, layout, quotes,
 * row count) without keeping it in memory, then hands back a handle that streams validated rows.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { type ColumnMap, isBlankRecord, mapRecord } from './column-map.js';
import { BinaryContentError, CsvFormatError, readCsvRecords } from './csv-records.js';
import { detectDelimiter } from './delimiter.js';
import { isEntraExampleRow } from './entra-layout.js';
import { checkEntraVersion, matchEntraHeaderRow, matchHeaderRow, versionLine } from './header-row.js';
import { createChunkDecoder, isInvalidEncodingError, sniffBytes } from './text-encoding.js';
import type { ImportDelimiter, ImportEncoding, ImportFile, ImportFileFailureCode, ImportFileResult, ImportLimits, ImportRow } from './types.js';
import { DEFAULT_IMPORT_LIMITS } from './types.js';
import { validateImportRow } from './validate-row.js';

const HEAD_BYTES = 64 * 1024;

/** Thrown by `rows()` when the file on disk is no longer the one `openImportFile` checked. */
export class ImportFileChangedError extends Error {
  constructor() {
    super('The file changed after Roster checked it: upload it again.');
    this.name = 'ImportFileChangedError';
  }
}

type Failure = { ok: false; code: ImportFileFailureCode; message: string };
const failure = (code: ImportFileFailureCode, message: string): Failure => ({ ok: false, code, message });

/** "812 bytes", "1.5 KB", "25.3 MB" (sizes round up, so a file just over a limit never reads as equal to it). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  const rounded = Math.ceil(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${unit}`;
}

export function notCsvMessage(looksLike: string): string {
  return `This is not a CSV file (it looks like ${looksLike}): save it as CSV UTF-8 in Excel and upload that file.`;
}

interface Scan {
  ok: true;
  map: ColumnMap;
  userRowCount: number;
  exampleRowNumber: number | undefined;
  sha256: string;
}

/** One pass over the file with a given encoding; 'invalid-utf8' when a UTF-8 guess proves wrong. */
async function scanFile(
  path: string,
  encoding: ImportEncoding,
  delimiter: ImportDelimiter,
  fatal: boolean,
  maxRows: number,
): Promise<Scan | Failure | 'invalid-utf8'> {
  const hash = createHash('sha256');
  let rowNumber = 0;
  let expecting: 'header' | 'entra-header' | 'rows' = 'header';
  let map: ColumnMap | undefined;
  let userRowCount = 0;
  let exampleRowNumber: number | undefined;
  let firstDataRow = true;
  try {
    for await (const cells of readCsvRecords({ path, encoding, delimiter, fatal, onBytes: (chunk) => hash.update(chunk) })) {
      rowNumber++;
      if (isBlankRecord(cells)) continue;
      if (expecting === 'header') {
        const version = versionLine(cells);
        if (version !== undefined) {
          const problem = checkEntraVersion(version);
          if (problem) return failure('invalid_input', problem);
          expecting = 'entra-header';
          continue;
        }
        const header = matchHeaderRow(cells, rowNumber);
        if (!header.ok) return failure('invalid_input', header.message);
        ({ map } = header);
        expecting = 'rows';
        continue;
      }
      if (expecting === 'entra-header') {
        const header = matchEntraHeaderRow(cells, rowNumber);
        if (!header.ok) return failure('invalid_input', header.message);
        ({ map } = header);
        expecting = 'rows';
        continue;
      }
      if (map === undefined) continue;
      if (firstDataRow && map.layout === 'entra-v1' && isEntraExampleRow(mapRecord(cells, map, rowNumber).fields)) {
        exampleRowNumber = rowNumber;
        firstDataRow = false;
        continue;
      }
      firstDataRow = false;
      userRowCount++;
      if (userRowCount > maxRows) {
        const most = maxRows.toLocaleString('en-US');
        return failure('limit_exceeded', `The file has more than ${most} users; the most Roster reads from one file is ${most}: split it into smaller files.`);
      }
    }
  } catch (error) {
    if (fatal && isInvalidEncodingError(error)) return 'invalid-utf8';
    if (error instanceof CsvFormatError) return failure('invalid_input', error.message);
    if (error instanceof BinaryContentError) return failure('invalid_input', notCsvMessage('binary data'));
    throw error;
  }
  if (expecting === 'header') return failure('invalid_input', 'The file is empty: it holds only spaces or blank lines.');
  if (expecting === 'entra-header' || map === undefined) {
    return failure('invalid_input', "The file has Entra's version line but no header row: keep the template's first two rows as they are.");
  }
  if (userRowCount === 0) {
    const example = exampleRowNumber === undefined ? '' : ` (row ${exampleRowNumber} is Microsoft's example row, which Roster skips)`;
    return failure('invalid_input', `The file has a header row but no users${example}: add one row per user below the header.`);
  }
  return { ok: true, map, userRowCount, exampleRowNumber, sha256: hash.digest('hex') };
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function readProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'Roster could not find the file: upload it again.';
  if (code === 'EACCES' || code === 'EPERM') return 'Roster is not allowed to read the file: upload it again.';
  if (code === 'EISDIR') return 'This is a folder, not a file: choose the CSV file itself.';
  return `Roster could not read the file (${error instanceof Error ? error.message : String(error)}): upload it again.`;
}

/**
 * Checks an uploaded CSV and returns a handle that streams its validated rows, or a file-level
 * problem saying what is wrong and how to fix it. Never throws.
 */
export async function openImportFile(path: string, limits: ImportLimits = {}): Promise<ImportFileResult> {
  const maxRows = limits.maxRows ?? DEFAULT_IMPORT_LIMITS.maxRows;
  const maxBytes = limits.maxBytes ?? DEFAULT_IMPORT_LIMITS.maxBytes;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) return failure('invalid_input', 'This is a folder, not a file: choose the CSV file itself.');
    if (stats.size === 0) return failure('invalid_input', 'The file is empty.');
    if (stats.size > maxBytes) {
      return failure('limit_exceeded', `The file is ${formatBytes(stats.size)}; the most Roster reads is ${formatBytes(maxBytes)}. Split it into smaller files.`);
    }
    const head = await readHead(path);
    const sniff = sniffBytes(head);
    if (sniff.kind === 'binary') return failure('invalid_input', notCsvMessage(sniff.looksLike));
    const delimiter = detectDelimiter(createChunkDecoder(sniff.encoding).decode(head));
    let encoding: ImportEncoding = sniff.encoding;
    let scan = await scanFile(path, encoding, delimiter, !sniff.certain, maxRows);
    if (scan === 'invalid-utf8') {
      // Not UTF-8 after all: Excel's plain "CSV" in Western Europe and the Americas is Windows-1252,
      // which decodes any byte, so this second pass cannot fail on encoding.
      encoding = 'windows-1252';
      scan = await scanFile(path, encoding, delimiter, false, maxRows);
    }
    if (scan === 'invalid-utf8') return failure('invalid_input', 'Roster could not decode the file: save it as CSV UTF-8 in Excel.');
    if (!scan.ok) return scan;
    return { ok: true, file: importFile(path, stats.size, encoding, delimiter, scan) };
  } catch (error) {
    return failure('invalid_input', readProblem(error));
  }
}

function importFile(path: string, sizeBytes: number, encoding: ImportEncoding, delimiter: ImportDelimiter, scan: Scan): ImportFile {
  const { map, sha256, exampleRowNumber } = scan;
  const rows = () => streamRows(path, sizeBytes, encoding, delimiter, scan);
  return {
    path,
    encoding,
    delimiter,
    layout: map.layout,
    headerLabels: map.headerLabels,
    columnLabels: map.columnLabels,
    sizeBytes,
    sha256,
    userRowCount: scan.userRowCount,
    exampleRowNumber,
    rows: () => ({ [Symbol.asyncIterator]: rows }),
  };
}

async function* streamRows(path: string, sizeBytes: number, encoding: ImportEncoding, delimiter: ImportDelimiter, scan: Scan): AsyncGenerator<ImportRow> {
  const { map, exampleRowNumber } = scan;
  if ((await stat(path)).size !== sizeBytes) throw new ImportFileChangedError();
  const hash = createHash('sha256');
  let rowNumber = 0;
  const records = readCsvRecords({ path, encoding, delimiter, onBytes: (chunk) => hash.update(chunk) });
  try {
    for await (const cells of records) {
      rowNumber++;
      if (rowNumber <= map.headerRowNumber || rowNumber === exampleRowNumber || isBlankRecord(cells)) continue;
      const mapped = mapRecord(cells, map, rowNumber);
      const row = validateImportRow(mapped.fields, rowNumber, map.columnLabels);
      if (mapped.problems.length > 0) row.problems.unshift(...mapped.problems);
      yield row;
    }
  } catch (error) {
    // The checked file read cleanly, so a format problem now means it was changed.
    if (error instanceof CsvFormatError || error instanceof BinaryContentError) throw new ImportFileChangedError();
    throw error;
  }
  if (hash.digest('hex') !== scan.sha256) throw new ImportFileChangedError();
}
