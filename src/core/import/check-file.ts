/**
 * Checking an uploaded CSV once, whole (size, encoding, separator, layout, quotes, row count, row
 * shapes), without keeping it in memory. Runs in the import worker thread (see import-worker.ts):
 * its result is plain data that crosses to the main thread.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { type ColumnMap, isBlankRecord, mapRecord } from './column-map.js';
import { BinaryContentError, CsvFormatError, readCsvRecords } from './csv-records.js';
import { detectDelimiter } from './delimiter.js';
import { isEntraExampleRow } from './entra-layout.js';
import { checkEntraVersion, matchEntraHeaderRow, matchHeaderRow, versionLine } from './header-row.js';
import { RecordShapeError, type RecordShapeLimits } from './record-shape-guard.js';
import { createChunkDecoder, isInvalidEncodingError, sniffBytes } from './text-encoding.js';
import type { ImportDelimiter, ImportEncoding, ImportFileFailureCode, ImportLimits, ImportReadOptions, SkippedExampleRow } from './types.js';
import { DEFAULT_IMPORT_LIMITS } from './types.js';
import { FOLDER_NOT_FILE, couldNotReadFile } from '../refusals.js';

const HEAD_BYTES = 64 * 1024;

export type Failure = { ok: false; code: ImportFileFailureCode; message: string };
const failure = (code: ImportFileFailureCode, message: string): Failure => ({ ok: false, code, message });

/** What the check found: everything `rows()` needs to read the file again. Plain data. */
export interface CheckedFile {
  ok: true;
  path: string;
  sizeBytes: number;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  map: ColumnMap;
  shapeLimits: RecordShapeLimits;
  userRowCount: number;
  skippedExampleRow: SkippedExampleRow | undefined;
  sha256: string;
}

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

function exampleRow(rowNumber: number, domain: string): SkippedExampleRow {
  return {
    rowNumber,
    reason: `Row ${rowNumber} was skipped: it is Microsoft's example row from the Entra template (Chris Green at ${domain}, a domain the organization does not have). Delete it from the file, or if it is a real user, use one of the organization's domains.`,
  };
}

type Scan = Omit<CheckedFile, 'path' | 'sizeBytes' | 'encoding' | 'delimiter' | 'shapeLimits'>;

interface ScanInput {
  path: string;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  fatal: boolean;
  maxRows: number;
  shapeLimits: RecordShapeLimits;
  organizationDomains: readonly string[] | undefined;
}

/** One pass over the file with a given encoding; 'invalid-utf8' when a UTF-8 guess proves wrong. */
async function scanFile(input: ScanInput): Promise<Scan | Failure | 'invalid-utf8'> {
  const { path, encoding, delimiter, fatal, maxRows, shapeLimits } = input;
  const organizationDomains = (input.organizationDomains ?? []).map((domain) => domain.toLowerCase());
  const hash = createHash('sha256');
  let rowNumber = 0;
  let expecting: 'header' | 'entra-header' | 'rows' = 'header';
  let map: ColumnMap | undefined;
  let userRowCount = 0;
  let skippedExampleRow: SkippedExampleRow | undefined;
  let firstDataRow = true;
  try {
    for await (const cells of readCsvRecords({ path, encoding, delimiter, fatal, shapeLimits, onBytes: (chunk) => hash.update(chunk) })) {
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
      if (firstDataRow && map.layout === 'entra-v1') {
        firstDataRow = false;
        const { fields } = mapRecord(cells, map, rowNumber);
        const domain = (fields.userName ?? '').split('@')[1]?.toLowerCase() ?? '';
        // A real user of an organization whose domain is contoso's is not Microsoft's example.
        if (isEntraExampleRow(fields) && !organizationDomains.includes(domain)) {
          skippedExampleRow = exampleRow(rowNumber, domain);
          continue;
        }
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
    if (error instanceof RecordShapeError) return failure('limit_exceeded', error.message);
    if (error instanceof CsvFormatError) return failure('invalid_input', error.message);
    if (error instanceof BinaryContentError) return failure('invalid_input', notCsvMessage('binary data'));
    throw error;
  }
  if (expecting === 'header') return failure('invalid_input', 'The file is empty: it holds only spaces or blank lines.');
  if (expecting === 'entra-header' || map === undefined) {
    return failure('invalid_input', "The file has Entra's version line but no header row: keep the template's first two rows as they are.");
  }
  if (userRowCount === 0) {
    const example = skippedExampleRow === undefined ? '' : ` (row ${skippedExampleRow.rowNumber} is Microsoft's example row, which Roster skips)`;
    return failure('invalid_input', `The file has a header row but no users${example}: add one row per user below the header.`);
  }
  return { ok: true, map, userRowCount, skippedExampleRow, sha256: hash.digest('hex') };
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
  if (code === 'EISDIR') return FOLDER_NOT_FILE;
  return couldNotReadFile(error);
}

/** Checks an uploaded CSV; a file-level problem says what is wrong and how to fix it. Never throws. */
export async function checkImportFile(path: string, limits: ImportLimits = {}, options: ImportReadOptions = {}): Promise<CheckedFile | Failure> {
  const maxRows = limits.maxRows ?? DEFAULT_IMPORT_LIMITS.maxRows;
  const maxBytes = limits.maxBytes ?? DEFAULT_IMPORT_LIMITS.maxBytes;
  const shapeLimits: RecordShapeLimits = {
    maxColumns: limits.maxColumns ?? DEFAULT_IMPORT_LIMITS.maxColumns,
    maxBlankLines: limits.maxBlankLines ?? DEFAULT_IMPORT_LIMITS.maxBlankLines,
  };
  try {
    const stats = await stat(path);
    if (!stats.isFile()) return failure('invalid_input', FOLDER_NOT_FILE);
    if (stats.size === 0) return failure('invalid_input', 'The file is empty.');
    if (stats.size > maxBytes) {
      return failure(
        'limit_exceeded',
        `The file is ${formatBytes(stats.size)}; the most Roster reads is ${formatBytes(maxBytes)}. Split it into smaller files.`,
      );
    }
    const head = await readHead(path);
    const sniff = sniffBytes(head);
    if (sniff.kind === 'binary') return failure('invalid_input', notCsvMessage(sniff.looksLike));
    const delimiter = detectDelimiter(createChunkDecoder(sniff.encoding).decode(head));
    const scanInput: ScanInput = {
      path,
      encoding: sniff.encoding,
      delimiter,
      fatal: !sniff.certain,
      maxRows,
      shapeLimits,
      organizationDomains: options.organizationDomains,
    };
    let scan = await scanFile(scanInput);
    if (scan === 'invalid-utf8') {
      // Not UTF-8 after all: Excel's plain "CSV" in Western Europe and the Americas is Windows-1252,
      // which decodes any byte, so this second pass cannot fail on encoding.
      scanInput.encoding = 'windows-1252';
      scanInput.fatal = false;
      scan = await scanFile(scanInput);
    }
    if (scan === 'invalid-utf8') return failure('invalid_input', 'Roster could not decode the file: save it as CSV UTF-8 in Excel.');
    if (!scan.ok) return scan;
    return { ...scan, path, sizeBytes: stats.size, encoding: scanInput.encoding, delimiter, shapeLimits };
  } catch (error) {
    return failure('invalid_input', readProblem(error));
  }
}
