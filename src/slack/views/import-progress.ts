import type { KnownBlock } from '@slack/types';
import type { ImportOutcome, ImportProgress } from '../../core/bulk/index.js';
import { importSummaryText } from '../../core/bulk/index.js';
import type { ImportJobRecord as ImportJob } from '../../core/bulk/import-job-records.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION } from './ids.js';
import { button, context, destructiveButton, esc, section } from './kit.js';

type Message = { text: string; blocks: Blocks };
const count = (n: number) => n.toLocaleString('en-US');
const people = (ids: readonly string[]) => ids.map((id) => `<@${id}>`).join(', ');

/** `▓▓▓▓░░░░░░ 42%` */
export function progressBar(done: number, total: number, width = 10): string {
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  const filled = Math.floor((percent / 100) * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${percent}%`;
}

/** The preview message while users are being added. */
export function importProgressMessage(fileName: string, progress: ImportProgress): Message {
  const line = `Adding users from *${esc(fileName)}*… ${count(progress.done)}/${count(progress.total)}`;
  return {
    text: `Adding users from ${esc(fileName)}… ${progress.done}/${progress.total}`,
    blocks: [section(`${line}\n\`${progressBar(progress.done, progress.total)}\``), context(`${count(progress.created)} created so far`)],
  };
}

/** The same message once the run is over: counts only (the passwords go to the results DMs). */
export function importOutcomeMessage(fileName: string, outcome: ImportOutcome, total: number, sentTo: readonly string[]): Message {
  const summary = importSummaryText(outcome);
  const done = outcome.status === 'completed';
  const title = done
    ? `:white_check_mark: Imported *${esc(fileName)}*`
    : `:x: The import of *${esc(fileName)}* stopped: ${esc(outcome.failure ?? 'unknown error')}`;
  const blocks: KnownBlock[] = [
    section(`${title}\n\`${progressBar(done ? total : outcome.rowsRead, total)}\` ${count(outcome.rowsRead)}/${count(total)} rows\n${esc(summary)}.`),
  ];
  if (outcome.reissuedPasswords > 0) blocks.push(context(`${count(outcome.reissuedPasswords)} users made before an interruption got new temporary passwords.`));
  blocks.push(
    context(
      outcome.passwordsOnPremises
        ? `The results, with the usernames, were sent by DM to ${people(sentTo)}. These users are synced: they sign in with their on-premises password.`
        : `The results, with usernames and temporary passwords, were sent by DM to ${people(sentTo)}.`,
    ),
  );
  return { text: esc(`${done ? 'Imported' : 'Import stopped:'} ${fileName}: ${summary}`), blocks };
}

/**
 * A run cut short, by a restart (no `reason`) or by its file's reader stopping under it (`reason`
 * says why): what was done, and the buttons to resume or cancel.
 */
export function importInterruptedMessage(job: ImportJob, reason?: string): Message {
  const made = job.rowsCreated + job.rowsUnlicensed;
  const name = esc(job.fileName);
  const bar = `\`${progressBar(job.rowsDone, job.rowsRead)}\``;
  const text = reason
    ? `The import of ${name} stopped after ${job.rowsDone} of ${job.rowsRead} rows: ${made} users created. ${esc(reason)}`
    : `The import of ${name} was interrupted (Roster stopped) after ${job.rowsDone} of ${job.rowsRead} rows: ${made} users created.`;
  const headline = reason
    ? `:double_vertical_bar: The import of *${name}* stopped after ${count(job.rowsDone)} of ${count(job.rowsRead)} rows: ${usersMade(made)} created, ${count(job.rowsSkipped)} left out.\n${esc(reason)}\nResume goes on from where it stopped.\n${bar}`
    : `:double_vertical_bar: The import of *${name}* was interrupted (Roster stopped) after ${count(job.rowsDone)} of ${count(job.rowsRead)} rows: ${usersMade(made)} created, ${count(job.rowsSkipped)} left out.\n${bar}`;
  return {
    text,
    blocks: [
      section(headline),
      context(
        `${job.requestedBy.startsWith('cli:') ? `Started at the command line by ${esc(job.requestedBy.slice(4))}` : `Started by <@${job.requestedBy}>`}${job.startedAt ? ` ${slackDateTime(job.startedAt)}, last progress ${slackDateTime(job.updatedAt)}` : ''}. Resume adds the rest. Users already made are not made again; they get new temporary passwords in the results.`,
      ),
      {
        type: 'actions',
        block_id: 'import_actions',
        elements: [button('Resume', ACTION.importResume, 'primary', job.id), button('Cancel', ACTION.importCancel, undefined, job.id)],
      },
    ],
  };
}

const usersMade = (n: number) => `${count(n)} user${n === 1 ? '' : 's'}`;

export function importCancelledMessage(fileName: string, cancelledBy: string, created: number): Message {
  const what = created > 0 ? `${usersMade(created)} added before the interruption stay; nothing else was added.` : 'Nothing was added.';
  return {
    text: `Import of ${esc(fileName)} cancelled. ${what}`,
    blocks: [section(`:no_entry_sign: <@${cancelledBy}> cancelled the import of *${esc(fileName)}*. ${what}`)],
  };
}

/** The DM that comes with the results file. */
export function importResultsMessage(fileName: string, outcome: ImportOutcome, requestedBy: string, resultsFileId?: string): Message {
  const summary = importSummaryText(outcome);
  const state = outcome.status === 'completed' ? 'finished' : `stopped (${outcome.failure ?? 'unknown error'})`;
  return {
    text: esc(`Import of ${fileName} ${state}: ${summary}`),
    blocks: [
      section(`<@${requestedBy}>'s import of *${esc(fileName)}* ${esc(state)}: ${esc(summary)}.`),
      context(
        outcome.passwordsOnPremises
          ? 'The file below lists every row with its username. These users are synced from your on-premises Active Directory: no temporary password was made, they sign in with their on-premises password (password managed on premises).'
          : 'The file below lists every row with its username and temporary password. Pass the passwords on through a channel you trust, then press *Delete*: it removes this message and the file from Slack. Roster cannot show the passwords again.',
      ),
      // The button carries the results file's id, known once it is uploaded (the message is then updated).
      ...(resultsFileId
        ? [
            {
              type: 'actions' as const,
              block_id: 'results',
              elements: [
                destructiveButton('Delete', ACTION.deleteImportResults, resultsFileId, {
                  title: 'Delete the passwords?',
                  text: 'This removes the results message and its file from Slack. Roster cannot show these temporary passwords again: pass them on first.',
                  confirm: 'Delete',
                }),
              ],
            },
          ]
        : []),
    ],
  };
}
