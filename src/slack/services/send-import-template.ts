import type { MemberActor } from '../../core/context.js';
import { importTemplate } from '../../core/import/import-template.js';
import type { ListenerDeps } from '../deps.js';
import { textMessage } from '../views/kit.js';

/** The sample CSV, uploaded to the member's DM with Roster with a line on how to fill it. */
export async function sendImportTemplate(deps: ListenerDeps, actor: MemberActor): Promise<void> {
  const template = await importTemplate(deps.core, actor);
  if (!template.ok) {
    await deps.slack.dm(actor.slackUserId, textMessage(template.message));
    return;
  }
  const notice = await deps.slack.dm(actor.slackUserId, {
    text: 'The sample CSV: one user per row under the header, keep the columns in their order (User Name, First Name, … Country or Region), then share the file here or use `/users import`.',
  });
  await deps.slack.uploadFile(notice.channel, { filename: template.fileName, bytes: template.bytes, title: 'Roster import template' });
}
