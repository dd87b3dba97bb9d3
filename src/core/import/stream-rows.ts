/** Reading a checked file's user rows again, validated. Runs in the import worker thread. */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { CheckedFile } from './check-file.js';
import { holdsPasswords, isBlankRecord, mapRecord } from './column-map.js';
import { BinaryContentError, CsvFormatError, readCsvRecords } from './csv-records.js';
import { RecordShapeError } from './record-shape-guard.js';
import type { ImportRow } from './types.js';
import { validateImportRow } from './validate-row.js';

/** Thrown by `rows()` when the file on disk is no longer the one `openImportFile` checked. */
export class ImportFileChangedError extends Error {
  constructor() {
    super('The file changed after Roster checked it: upload it again.');
    this.name = 'ImportFileChangedError';
  }
}

export async function* streamRows(checked: CheckedFile): AsyncGenerator<ImportRow> {
  const { path, sizeBytes, encoding, delimiter, shapeLimits, map, skippedExampleRow } = checked;
  if ((await stat(path)).size !== sizeBytes) throw new ImportFileChangedError();
  const quoteValues = !holdsPasswords(map);
  const hash = createHash('sha256');
  let rowNumber = 0;
  const records = readCsvRecords({ path, encoding, delimiter, shapeLimits, onBytes: (chunk) => hash.update(chunk) });
  try {
    for await (const cells of records) {
      rowNumber++;
      if (rowNumber <= map.headerRowNumber || rowNumber === skippedExampleRow?.rowNumber || isBlankRecord(cells)) continue;
      const mapped = mapRecord(cells, map, rowNumber);
      const row = validateImportRow(mapped.fields, rowNumber, map.columnLabels, { quoteValues });
      if (mapped.problems.length > 0) row.problems.unshift(...mapped.problems);
      yield row;
    }
  } catch (error) {
    // The checked file read cleanly, so a format problem now means it was changed.
    if (error instanceof CsvFormatError || error instanceof BinaryContentError || error instanceof RecordShapeError) throw new ImportFileChangedError();
    throw error;
  }
  if (hash.digest('hex') !== checked.sha256) throw new ImportFileChangedError();
}
