import type { MessageShortcut } from '@slack/bolt';
import { mayPreviewImports } from '../../../core/bulk/import-access.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import type { ShortcutArgs } from '../../services/answering.js';
import { isCsvFile } from '../../services/import-download.js';
import { previewUpload } from '../../services/import-preview.js';
import { claimEvent, fileEventKey } from '../../../core/events/claim-event.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = ShortcutArgs<MessageShortcut>;
type FileRef = { id: string; name?: string | null; filetype?: string | null };

/**
 * "Import users from CSV" on a message: verifies its CSV file(s) and answers in the message's
 * thread, after the ack (a verified file is recorded as a previewed import: a change).
 */
export function importCsvShortcut(deps: ListenerDeps) {
  return ({ shortcut, context }: Args) => {
    const actor = actorFromBody(shortcut);
    return {
      after: change('verify the CSV file', async () => {
        const files = ((shortcut.message as { files?: FileRef[] }).files ?? []).filter((f) => typeof f.id === 'string');
        const csv = files.filter((f) => !(f.name || f.filetype) || isCsvFile(f));
        const problem =
          files.length === 0
            ? 'This message has no file. Use the shortcut on a message with a .csv file, or run `/users import`.'
            : csv.length === 0
              ? `${esc(files.map((f) => f.name ?? 'The file').join(', '))} is not a CSV file. Save the sheet as "CSV UTF-8" in Excel and upload that file.`
              : null;
        const auth = problem ? null : await mayPreviewImports(deps.core, actor);
        const refusal = problem ?? (auth && !auth.ok ? esc(auth.message) : null);
        if (refusal) {
          await deps.slack.openView(shortcut.trigger_id, messageModal('Import users', refusal));
          return;
        }
        await deps.slack.openView(shortcut.trigger_id, messageModal('Import users', 'Verifying… The preview appears in the thread of the message.'));
        const place = { channel: shortcut.channel.id, threadTs: (shortcut.message as { thread_ts?: string }).thread_ts ?? shortcut.message_ts };
        for (const file of csv) {
          await claimEvent(deps.core, fileEventKey(actor.teamId, file.id));
          await previewUpload(deps, { actor, fileId: file.id, place, explicit: true, botUserId: context.botUserId });
        }
      }),
    };
  };
}
