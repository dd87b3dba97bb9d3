import type { EditManyResult } from '../../core/users/edit-many.js';
import type { Blocks } from '../slack-port.js';
import { esc, section } from './kit.js';

/** The DM after an Edit many run: counts done, unchanged and not done per reason (the CSV has every user). */
export function editManyResultsMessage(result: EditManyResult): { text: string; blocks: Blocks } {
  const { done, unchanged, notDone } = result.counts;
  const notDoneTotal = notDone.reduce((sum, r) => sum + r.count, 0);
  const lines = [`*Edit users finished:* ${done} changed, ${unchanged} already as asked, ${notDoneTotal} not changed.`];
  for (const { reason, count } of notDone.slice(0, 10)) lines.push(`• ${count} × ${esc(reason)}`);
  if (notDone.length > 10) lines.push(`• …and ${notDone.length - 10} other reasons (see the file).`);
  if (notDoneTotal > 0) lines.push('Users not changed were left exactly as they were. The file lists every user and what happened.');
  return { text: `Edit users: ${done} changed, ${notDoneTotal} not changed`, blocks: [section(lines.join('\n'))] };
}
