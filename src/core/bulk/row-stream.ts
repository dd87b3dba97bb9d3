import { ImportFileChangedError } from '../import/open-import-file.js';

/**
 * An import's row stream stopped for a reason that is not a verdict on its file: its reader ran
 * out of memory or crashed, the downloaded copy could not be read. The run is interrupted, to be
 * resumed, never failed: resuming reads the same file again and makes only the rows not yet made.
 */
export class RowStreamStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RowStreamStopped';
  }
}

/**
 * The rows, with every error of the stream itself turned into RowStreamStopped, except a file that
 * changed since it was checked (the file's own fault: the run fails). Errors of the consumer's
 * own work never pass through here.
 */
export async function* rowsOrStopped<T>(rows: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* rows;
  } catch (error) {
    if (error instanceof ImportFileChangedError) throw error;
    throw new RowStreamStopped(error instanceof Error ? error.message : String(error));
  }
}
