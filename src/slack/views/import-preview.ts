import type { KnownBlock } from '@slack/types';
import { BUY_MORE_IN_THE_ADMIN_CENTER } from '../../core/refusals.js';
import type { ImportPreview, PreviewProblem } from '../../core/bulk/index.js';
import type { Blocks } from '../slack-port.js';
import { ACTION } from './ids.js';
import { button, clip, context, esc, fields, header, section } from './kit.js';

const LAYOUTS: Record<ImportPreview['layout'], string> = {
  'admin-center-2024': 'admin center template (16 columns)',
  'admin-center-2020': 'admin center template (15 columns)',
  'entra-v1': 'Entra bulk-create template',
};

export const usersWord = (n: number) => `${n.toLocaleString('en-US')} user${n === 1 ? '' : 's'}`;
const count = (n: number) => n.toLocaleString('en-US');

/** "Row 4 · User Name: reason" (or "Row 4: reason" when the whole row is at fault). */
export function problemLine(problem: PreviewProblem): string {
  return `Row ${problem.rowNumber}${problem.column ? ` · ${esc(clip(problem.column, 60))}` : ''}: ${esc(clip(problem.message, 240))}`;
}

/**
 * The verification preview, posted in the file's thread (or the requester's DM): what importing
 * the file would do, the first problems, and the buttons to go on. Nothing is written yet.
 */
export function importPreviewMessage(preview: ImportPreview, requestedBy: string): { text: string; blocks: Blocks } {
  const ready = preview.rowsReady;
  const blocks: KnownBlock[] = [
    header(esc(`Verified ${preview.fileName}`)),
    context(`Uploaded by <@${requestedBy}> · ${LAYOUTS[preview.layout]} · nothing has been added yet`),
    ...fields([
      ['Rows read', count(preview.rowsRead)],
      ['Ready to add', count(ready)],
      ['With problems', count(preview.rowsWithProblems)],
      ['Repeated in the file', count(preview.duplicatesInFile)],
      ['Already exist', count(preview.existingUsernames)],
    ]),
    section(seatsText(preview)),
    ...buyBlocks(preview),
  ];
  if (preview.skippedExampleRow) blocks.push(context(`:information_source: ${esc(preview.skippedExampleRow.reason)}`));
  if (preview.firstProblems.length > 0) {
    const more = preview.problemCount - preview.firstProblems.length;
    blocks.push(
      section(`*Problems*\n${preview.firstProblems.map(problemLine).join('\n')}`),
      context(more > 0 ? `…and ${count(more)} more: every problem is in the file below.` : 'Every problem is also in the file below.'),
    );
  }
  if (ready > 0) {
    blocks.push(...(preview.rowsWithProblems > 0 ? [context(`Rows with problems are left out. To add them too, fix them and upload the file again.`)] : []), {
      type: 'actions',
      block_id: 'import_actions',
      elements: [
        button(`Choose settings and add ${usersWord(ready)}`, ACTION.importChooseSettings, 'primary', preview.jobId ?? ''),
        button('Cancel', ACTION.importCancel, undefined, preview.jobId ?? ''),
      ],
    });
  } else {
    blocks.push(section(nothingReadyText(preview)));
  }
  return {
    text: `${esc(preview.fileName)}: ${count(preview.rowsRead)} rows read, ${count(ready)} ready to add, ${count(preview.rowsWithProblems)} with problems`,
    blocks,
  };
}

function seatsText(preview: ImportPreview): string {
  if (preview.seats.length === 0) {
    const buy = preview.buyInAdminCenter ? esc(BUY_MORE_IN_THE_ADMIN_CENTER) : 'Buy some with `/licenses buy &lt;product&gt; &lt;quantity&gt;`.';
    return `*Licenses*\nThe organization has no licenses: users would be added without one. ${buy}`;
  }
  const lines = preview.seats.slice(0, 15).map(({ product, total, available }) => {
    const short = available < preview.rowsReady ? ` :warning: ${count(preview.rowsReady - available)} short` : '';
    return `• ${esc(product.displayName)}: ${count(preview.rowsReady)} needed, ${count(available)} of ${count(total)} available${short}`;
  });
  return `*Seats* (each product you give takes one seat per user)\n${lines.join('\n')}`;
}

/** Most "Buy" buttons on one preview; the other short products are named with the command. */
const MAX_BUY_BUTTONS = 5;

/** The products short for the ready rows, most missing first. */
function shortProducts(preview: ImportPreview) {
  return preview.seats
    .filter((seat) => seat.available < preview.rowsReady)
    .map((seat) => ({ ...seat, missing: preview.rowsReady - seat.available }))
    .sort((a, b) => b.missing - a.missing);
}

/**
 * "Buy N more" for each product short of seats, shown when the admin who asked may buy (the core
 * says so; it checks again when one is pressed): it opens the purchase form for that number. On a
 * connected tenant, where seats are bought in its admin center, where to buy them instead.
 */
function buyBlocks(preview: ImportPreview): KnownBlock[] {
  const short = shortProducts(preview);
  if (preview.buyInAdminCenter && preview.rowsReady > 0 && short.length > 0) return [context(esc(BUY_MORE_IN_THE_ADMIN_CENTER))];
  if (!preview.mayBuyLicenses || !preview.jobId || preview.rowsReady === 0 || short.length === 0) return [];
  const shown = short.slice(0, MAX_BUY_BUTTONS);
  const blocks: KnownBlock[] = [
    {
      type: 'actions',
      block_id: 'import_buy',
      elements: shown.map((seat, i) => ({
        ...button(
          esc(clip(`Buy ${count(seat.missing)} more: ${seat.product.displayName}`, 70)),
          ACTION.importBuyLicenses,
          undefined,
          `${preview.jobId} ${seat.product.skuId}`,
        ),
        action_id: i === 0 ? ACTION.importBuyLicenses : `${ACTION.importBuyLicenses}_${i}`,
      })),
    },
  ];
  if (short.length > shown.length) blocks.push(context(`${count(short.length - shown.length)} more products are short: buy them with \`/licenses buy\`.`));
  return blocks;
}

function nothingReadyText(preview: ImportPreview): string {
  if (preview.rowsRead === 0) return ':warning: *Nothing to add*: the file has a header but no users. Add one user a row and upload it again.';
  const reasons: string[] = [];
  if (preview.existingUsernames > 0) reasons.push(`${count(preview.existingUsernames)} already exist (a file already imported adds nobody new)`);
  if (preview.rowsWithProblems > preview.existingUsernames) reasons.push('fix the problems listed above, row by row (the file below has them all)');
  return `:warning: *Nothing to add.* ${reasons.length ? `${reasons.join('; ')}, ` : ''}then upload the corrected file again.`;
}

/**
 * Said at once when every file reader is busy (other files are being read, or imported): the file
 * waits its turn, and this message is then replaced by its preview.
 */
export function importWaitingMessage(fileName: string): { text: string; blocks: Blocks } {
  const line = (name: string) => `Roster is reading other files first: ${name} waits its turn, and its preview will appear here.`;
  return { text: esc(line(fileName)), blocks: [section(`:hourglass_flowing_sand: ${line(`*${esc(fileName)}*`)}`)] };
}
