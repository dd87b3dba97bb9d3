import { importResultsCsv, type ImportOutcome } from '../../core/bulk/index.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { importResultsMessage } from '../views/import-progress.js';
import { esc } from '../views/kit.js';
import { derivedFileName } from './import-download.js';

/**
 * DMs the results to each person (the requester first): the counts, then the results CSV uploaded
 * into that same DM. This file is the only place the temporary passwords of an import appear; the
 * message's Delete button removes both from Slack (listeners/actions/import-results-actions.ts).
 */
export async function sendImportResults(
  deps: ListenerDeps,
  fileName: string,
  outcome: ImportOutcome,
  requesterId: string,
  everyone: readonly string[],
): Promise<void> {
  const bytes = await importResultsCsv(outcome);
  const message = importResultsMessage(fileName, outcome, requesterId);
  const failed: string[] = [];
  for (const userId of everyone) {
    try {
      const posted = await deps.slack.dm(userId, message);
      const { fileId } = await deps.slack.uploadFile(posted.channel, {
        filename: derivedFileName(fileName, 'results'),
        bytes,
        title: `Results of ${fileName}`,
      });
      // A Delete button that removes this message and the file (whose id is known only now).
      if (fileId) await deps.slack.updateMessage(posted.channel, posted.ts, importResultsMessage(fileName, outcome, requesterId, fileId));
    } catch (error) {
      failed.push(userId);
      deps.logger.warn('import results not delivered', { recipient: userId, job: outcome.jobId, ...describeError(error) });
    }
  }
  if (failed.length > 0 && !failed.includes(requesterId)) {
    await deps.slack.dm(requesterId, {
      text: `The results of ${esc(fileName)} could not be sent to ${failed.map((id) => `<@${id}>`).join(', ')}. Pass the file above on yourself.`,
    });
  }
  if (failed.includes(requesterId)) throw new Error('the results could not be delivered to the requester');
}
