import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { MemberActor } from '../../core/context.js';
import { exportFileName, exportUsers } from '../../core/views/export-users.js';
import type { ListenerDeps } from '../deps.js';
import { esc } from '../views/kit.js';
import { makePrivateTempFolder } from './private-temp-folders.js';

/**
 * Exports a view as CSV into the member's DM with Roster. The CSV is written chunk by chunk into a
 * private temp folder (0700, file 0600), uploaded, then deleted: the whole file is never built in memory.
 * A folder a crash leaves is deleted at the next start (`removeLeftoverTempFolders`).
 */
export async function exportViewToDm(deps: ListenerDeps, actor: MemberActor, viewText: string): Promise<void> {
  const exported = await exportUsers(deps.core, actor, viewText);
  if (!exported.ok) {
    await deps.slack.dm(actor.slackUserId, { text: esc(exported.message) });
    return;
  }
  const dir = await makePrivateTempFolder(deps.imports.tempDir, 'export');
  try {
    const filename = exportFileName(exported.view, deps.core.now());
    const file = path.join(dir, filename);
    const out = createWriteStream(file, { mode: 0o600 });
    let rows = 0;
    for await (const chunk of exported.chunks()) {
      rows += chunk.rows;
      if (!out.write(chunk.text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const notice = await deps.slack.dm(actor.slackUserId, { text: esc(`${exported.view.name}: ${rows.toLocaleString('en')} users, exported as CSV.`) });
    await deps.slack.uploadFile(notice.channel, { filename, path: file, title: `${exported.view.name} (CSV)` });
    deps.logger.info('exported a view', { user: actor.slackUserId, view: exported.view.ref, rows });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
