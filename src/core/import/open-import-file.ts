/**
 * Opening an uploaded CSV: the import worker checks the whole file once (size, encoding,
 * separator, layout, quotes, row count, row shapes) without keeping it in memory, then this hands
 * back a handle whose `rows()` streams the validated rows from the worker.
 */
import type { CheckedFile } from './check-file.js';
import { holdsPasswords } from './column-map.js';
import { checkInWorker, ImportReaderStoppedError, rowsFromWorker } from './import-worker-client.js';
import type { ImportFile, ImportFileResult, ImportLimits, ImportReadOptions } from './types.js';
import { couldNotReadFile } from '../refusals.js';

export { formatBytes, notCsvMessage } from './check-file.js';
export { ImportFileChangedError } from './stream-rows.js';
export { ImportReaderStoppedError } from './import-worker-client.js';

/**
 * Checks an uploaded CSV and returns a handle that streams its validated rows, or a file-level
 * problem saying what is wrong and how to fix it. Never throws. `options.organizationDomains`:
 * a first row that looks like Microsoft's example row is a real user when its domain is one of these.
 */
export async function openImportFile(path: string, limits: ImportLimits = {}, options: ImportReadOptions = {}): Promise<ImportFileResult> {
  let checked;
  try {
    checked = await checkInWorker(path, limits, { organizationDomains: options.organizationDomains }, options.onWaiting);
  } catch (error) {
    if (error instanceof ImportReaderStoppedError) {
      return { ok: false, code: error.outOfMemory ? 'limit_exceeded' : 'invalid_input', message: error.message, readerStopped: true };
    }
    return {
      ok: false,
      code: 'invalid_input',
      message: couldNotReadFile(error),
    };
  }
  if (!checked.ok) return checked;
  return { ok: true, file: importFile(checked, options.onWaiting) };
}

function importFile(checked: CheckedFile, onWaiting: (() => void) | undefined): ImportFile {
  const { map, skippedExampleRow } = checked;
  const rows = () => rowsFromWorker(checked, onWaiting);
  return {
    path: checked.path,
    encoding: checked.encoding,
    delimiter: checked.delimiter,
    layout: map.layout,
    headerLabels: map.headerLabels,
    columnLabels: map.columnLabels,
    sizeBytes: checked.sizeBytes,
    sha256: checked.sha256,
    userRowCount: checked.userRowCount,
    exampleRowNumber: skippedExampleRow?.rowNumber,
    skippedExampleRow,
    holdsPasswords: holdsPasswords(map),
    rows: () => ({ [Symbol.asyncIterator]: rows }),
  };
}
