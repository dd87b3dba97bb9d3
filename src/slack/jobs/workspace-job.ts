import type { JobRecord } from '../../domain/jobs.js';
import { PermanentJobFailure, type JobEnd, type JobHandler, type RunningJob } from '../../core/jobs/job-handler.js';
import { organizationTeam, WORKSPACE_REMOVED } from '../../core/workspaces/slack-installations.js';
import { describeError } from '../../log.js';
import { workspaceDeps, type ListenerDeps, type SlackAppDeps } from '../deps.js';
import { WorkspaceNotInstalled } from '../slack-ports.js';

/**
 * A job that talks to Slack, written for one workspace: it gets the deps (the Slack port) of its
 * organization's workspace, never chooses one. `inWorkspaceOfJob` finds that workspace from the
 * job's organization when the job runs.
 */
export interface WorkspaceJob {
  readonly kind: string;
  readonly lane?: 'light' | 'heavy';
  run(deps: ListenerDeps, job: RunningJob): Promise<JobEnd>;
  ended?(deps: ListenerDeps, job: JobRecord, how: { failed: string } | { cancelled: true }): Promise<void>;
}

/** Organizations' workspaces, once read: an organization's Slack team never changes. */
const TEAMS_KEPT = 10_000;

/**
 * The job handler that runs `job` in its organization's workspace. A workspace Roster was removed
 * from (uninstalled, its token revoked; or removed while the job ran) ends the job for good with
 * WORKSPACE_REMOVED instead of retrying it, and nobody is told (nothing can reach them there).
 */
export function inWorkspaceOfJob(app: SlackAppDeps, job: WorkspaceJob): JobHandler {
  const teams = new Map<string, string>();
  const teamOf = async (record: JobRecord): Promise<string> => {
    if (!record.tenantId) throw new PermanentJobFailure(`A ${record.kind} job names no organization, so Roster cannot tell which Slack workspace it is for.`);
    const known = teams.get(record.tenantId);
    if (known) return known;
    const team = await organizationTeam(app.core, record.tenantId);
    if (!team) throw new PermanentJobFailure('The organization of this job no longer exists.');
    if (teams.size >= TEAMS_KEPT) teams.clear();
    teams.set(record.tenantId, team);
    return team;
  };
  const removedMeansDone = (error: unknown): never => {
    if (error instanceof WorkspaceNotInstalled) throw new PermanentJobFailure(WORKSPACE_REMOVED);
    throw error;
  };
  return {
    kind: job.kind,
    ...(job.lane ? { lane: job.lane } : {}),
    async run(running) {
      const deps = await workspaceDeps(app, await teamOf(running.record)).catch(removedMeansDone);
      return job.run(deps, running).catch(removedMeansDone);
    },
    ...(job.ended
      ? {
          async ended(record: JobRecord, how: { failed: string } | { cancelled: true }) {
            const deps = await teamOf(record)
              .then((team) => workspaceDeps(app, team))
              .catch((error: unknown) => {
                app.logger.info('nobody told that a job ended: its workspace cannot be reached', { job: record.id, ...describeError(error) });
                return null;
              });
            if (deps) await job.ended?.(deps, record, how);
          },
        }
      : {}),
  };
}
