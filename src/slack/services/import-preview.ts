import { mayPreviewImports } from '../../core/bulk/import-access.js';
import { verifyImport } from '../../core/bulk/index.js';
import type { MemberActor } from '../../core/context.js';
import type { ListenerDeps } from '../deps.js';
import type { Blocks, PostedMessage, SlackFileInfo } from '../slack-port.js';
import { importPreviewMessage, importWaitingMessage } from '../views/import-preview.js';
import { derivedFileName, ImportFileProblem, isCsvFile, withDownloadedFile } from './import-download.js';
import { recordImportMessage } from '../../core/bulk/import-job-records.js';
import { esc, textMessage } from '../views/kit.js';
import { slackErrorCode } from './slack-errors.js';
import { describeError } from '../../log.js';

/** Where the preview goes: a thread (or channel) where the file was shared, or the requester's DM. */
export type ImportPlace = { channel: string; threadTs?: string } | { dm: true };

export interface PreviewRequest {
  actor: MemberActor;
  fileId: string;
  place: ImportPlace;
  /**
   * Roster was asked to look at this file (the `/users import` form, the message shortcut, its DM,
   * an import channel): a file that cannot be used is explained. Otherwise such a file is skipped
   * without a word (the file events never call this for other channels at all).
   */
  explicit: boolean;
  /** The app's own user: files Roster uploaded itself (problem and result lists) are never imported. */
  botUserId?: string;
  /** files.info, when the caller already has it. */
  file?: SlackFileInfo;
}

type Message = { text: string; blocks?: Blocks };

/**
 * Downloads a shared CSV, verifies it with the core (which records a previewed job) and posts the
 * preview where it was asked for, with the full problem list as a CSV in the same thread.
 */
export async function previewUpload(deps: ListenerDeps, request: PreviewRequest): Promise<void> {
  const { actor, place } = request;
  let file: SlackFileInfo;
  try {
    file = request.file ?? (await deps.slack.fileInfo(request.fileId));
  } catch (error) {
    if (!request.explicit || slackErrorCode(error) !== 'file_not_found') throw error;
    await deps.slack.dm(actor.slackUserId, {
      text: 'Roster cannot open that file. If it was shared in a channel, add Roster to the channel (`/invite @Roster`) and try again.',
    });
    return;
  }
  if (request.botUserId && file.userId === request.botUserId) return;
  if (!isCsvFile(file)) {
    if (request.explicit) await refuse(deps, request, `${file.name} is not a CSV file. Save the sheet as "CSV UTF-8" in Excel and upload that file.`);
    return;
  }
  const auth = await mayPreviewImports(deps.core, actor);
  if (!auth.ok) {
    await refuse(deps, request, auth.message);
    return;
  }
  const where = 'channel' in place ? { channelId: place.channel, threadTs: place.threadTs } : {};
  const answer = answerer(deps, request, file.name);
  let verified;
  try {
    verified = await withDownloadedFile(deps, file, (path) =>
      verifyImport(deps.core, actor, { path, fileName: file.name, fileId: file.id, limits: deps.imports.limits, onWaiting: answer.waiting, ...where }),
    );
  } catch (error) {
    if (!(error instanceof ImportFileProblem)) throw error;
    if (request.explicit) await answer.say(textMessage(`:warning: ${error.message}`));
    return;
  }
  if (!verified.ok) {
    if (verified.code === 'forbidden' || verified.code === 'not_set_up') await refuse(deps, request, verified.message);
    // A file that is not a file of users (a budget sheet) is answered only where Roster was asked.
    else if (request.explicit) await answer.say(textMessage(`:warning: Roster could not verify this file. ${verified.message}`));
    return;
  }
  const { preview } = verified;
  const posted = await answer.say(importPreviewMessage(preview, actor.slackUserId));
  if (preview.jobId) await recordImportMessage(deps.core, preview.jobId, posted);
  if (preview.problemsCsv) {
    await deps.slack.uploadFile(posted.channel, {
      filename: derivedFileName(file.name, 'problems'),
      bytes: preview.problemsCsv,
      threadTs: ('channel' in place && place.threadTs) || posted.ts,
      initialComment: esc(`Every problem Roster found in ${file.name}, by row and column (${preview.problemCount}).`),
    });
  }
  deps.logger.info('import previewed', {
    team: actor.teamId,
    by: actor.slackUserId,
    job: preview.jobId,
    rows: preview.rowsRead,
    ready: preview.rowsReady,
    problems: preview.problemCount,
  });
}

/**
 * The one answer about a file: when it has to wait for a reader, a message saying so is posted at
 * once (only where Roster was asked), and the answer then replaces it instead of following it.
 */
function answerer(deps: ListenerDeps, request: PreviewRequest, fileName: string) {
  let waiting: Promise<PostedMessage | undefined> | undefined;
  return {
    waiting: () => {
      if (!request.explicit) return;
      waiting ??= say(deps, request, importWaitingMessage(fileName)).catch((error) => {
        deps.logger.warn('import waiting message not shown', { file: request.fileId, ...describeError(error) });
        return undefined;
      });
    },
    say: async (message: Message): Promise<PostedMessage> => {
      const shown = await waiting;
      if (!shown) return say(deps, request, message);
      await deps.slack.updateMessage(shown.channel, shown.ts, message);
      return shown;
    },
  };
}

/** Posts in the thread (or channel) of the file, or in the requester's DM. */
async function say(deps: ListenerDeps, request: PreviewRequest, message: Message): Promise<PostedMessage> {
  const { place } = request;
  if (!('channel' in place)) return deps.slack.dm(request.actor.slackUserId, message);
  try {
    return await deps.slack.postMessage(place.channel, { ...message, threadTs: place.threadTs });
  } catch (error) {
    // The message shortcut works in channels Roster is not in: answer in the DM instead.
    if (!request.explicit || !['not_in_channel', 'channel_not_found'].includes(slackErrorCode(error) ?? '')) throw error;
    return deps.slack.dm(request.actor.slackUserId, message);
  }
}

/** Why this member's file is not used: only they see it (ephemeral in the channel, else a DM). */
async function refuse(deps: ListenerDeps, request: PreviewRequest, text: string): Promise<void> {
  const { place, actor } = request;
  if ('channel' in place) {
    try {
      await deps.slack.postEphemeral(place.channel, actor.slackUserId, textMessage(text));
      return;
    } catch (error) {
      if (!request.explicit) throw error;
    }
  }
  await deps.slack.dm(actor.slackUserId, textMessage(text));
}
