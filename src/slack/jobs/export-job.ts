import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PermanentJobFailure } from '../../core/jobs/job-handler.js';
import { EXPORT_JOB, exportJobPayload } from '../../core/views/export-job.js';
import { exportFileName, exportUsers } from '../../core/views/export-users.js';
import { esc } from '../views/kit.js';
import type { WorkspaceJob } from './workspace-job.js';
import { makePrivateTempFolder } from '../services/private-temp-folders.js';

/**
 * Exports a view as CSV into the admin's DM with Roster, as a job: the CSV is written chunk by
 * chunk into a private temp folder (0700, file 0600), uploaded, then deleted (the whole file is never
 * in memory). A run cut short starts over (an export only reads); once the file is in the DM the
 * job's progress says so, so a restart does not send it twice. A folder a crash leaves is deleted
 * at the next start (`removeLeftoverTempFolders`).
 */
export const exportSlackJob: WorkspaceJob = {
  kind: EXPORT_JOB,
  async run(deps, job) {
    if (job.progress.delivered) return { done: { rows: Number(job.progress.rows ?? 0) } };
    const { actor, view } = exportJobPayload(job.record);
    const exported = await exportUsers(deps.core, actor, view);
    if (!exported.ok) throw new PermanentJobFailure(exported.message);
    const member = job.record.requestedBy;
    const dir = await makePrivateTempFolder(deps.imports.tempDir, 'export');
    try {
      const filename = exportFileName(exported.view, deps.core.now());
      const file = path.join(dir, filename);
      const out = createWriteStream(file, { mode: 0o600 });
      let rows = 0;
      for await (const chunk of exported.chunks()) {
        const stop = job.stopRequested();
        if (stop) {
          out.destroy();
          return { stopped: stop };
        }
        rows += chunk.rows;
        if (!out.write(chunk.text)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      // The DM's channel is recorded as soon as it is posted: a retry after a failed upload does not post it again.
      const kept = job.progress.noticeChannel;
      let channel = typeof kept === 'string' ? kept : null;
      if (!channel) {
        channel = (await deps.slack.dm(member, { text: esc(`${exported.view.name}: ${rows.toLocaleString('en')} users, exported as CSV.`) })).channel;
        await job.saveProgress({ noticeChannel: channel });
      }
      await deps.slack.uploadFile(channel, { filename, path: file, title: `${exported.view.name} (CSV)` });
      await job.saveProgress({ delivered: true, rows });
      deps.logger.info('exported a view', { user: member, view: exported.view.ref, rows, job: job.record.id });
      return { done: { rows } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  async ended(deps, job, how) {
    if ('failed' in how) await deps.slack.dm(job.requestedBy, { text: esc(`The export could not be made: ${how.failed}`) });
  },
};
