import type { ImportJobRecord as ImportJob } from '../../core/bulk/import-job-records.js';
import { describeError } from '../../log.js';
import { organizationTeam } from '../../core/workspaces/slack-installations.js';
import { workspaceDeps, type ListenerDeps, type SlackAppDeps } from '../deps.js';
import { importInterruptedMessage } from '../views/import-progress.js';
import { recordImportMessage } from '../../core/bulk/import-job-records.js';

/**
 * Tells where each interrupted import is shown (its message in the thread, else the requester's DM)
 * that it stopped, with what was done and a Resume button. Failures are logged, never thrown: this
 * runs at start and must not stop Roster from starting.
 */
export async function announceInterruptedImports(deps: ListenerDeps, jobs: readonly ImportJob[], reason?: string): Promise<void> {
  // Jobs started at the command line (`cli:<name>`) have nobody in Slack to tell: the CLI lists them.
  for (const job of jobs.filter((j) => !j.requestedBy.startsWith('cli:'))) {
    const message = importInterruptedMessage(job, reason);
    try {
      if (job.channelId && job.messageTs) {
        await deps.slack.updateMessage(job.channelId, job.messageTs, message);
      } else {
        await recordImportMessage(deps.core, job.id, await deps.slack.dm(job.requestedBy, message));
      }
      deps.logger.info('import interrupted', { job: job.id, team: job.tenantId, done: job.rowsDone, created: job.rowsCreated + job.rowsUnlicensed });
    } catch (error) {
      deps.logger.error('could not announce an interrupted import', { job: job.id, ...describeError(error) });
      await deps.slack
        .dm(job.requestedBy, message)
        .then((posted) => recordImportMessage(deps.core, job.id, posted))
        .catch((dmError) => deps.logger.error('could not DM about an interrupted import', { job: job.id, ...describeError(dmError) }));
    }
  }
}

/**
 * `announceInterruptedImports` for imports of any organizations (found at start and every 30 s):
 * each is told in its own organization's workspace, with its token; one Roster was removed from
 * is skipped (logged).
 */
export async function announceInterruptedImportsOfEveryone(app: SlackAppDeps, jobs: readonly ImportJob[]): Promise<void> {
  const byTenant = new Map<string, ImportJob[]>();
  for (const job of jobs) byTenant.set(job.tenantId, [...(byTenant.get(job.tenantId) ?? []), job]);
  for (const [tenantId, ofTenant] of byTenant) {
    try {
      const team = await organizationTeam(app.core, tenantId);
      if (team) await announceInterruptedImports(await workspaceDeps(app, team), ofTenant);
    } catch (error) {
      app.logger.warn('could not announce interrupted imports', { tenant: tenantId, ...describeError(error) });
    }
  }
}
