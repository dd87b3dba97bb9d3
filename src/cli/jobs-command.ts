import type { Actor, CoreContext } from '../core/context.js';
import { cancelJob, listJobs } from '../core/jobs/list-jobs.js';
import type { Print } from './import-command.js';

export const JOBS_USAGE = `  jobs --workspace <id>                                      running and recent jobs (imports, edit many, exports, license changes)
  jobs cancel <job id> --workspace <id>                      cancel a job you started (it stops at its next step)`;

/** `roster jobs [cancel <id>]`: what `/users jobs` shows, one job a line (tab separated), or a cancel. */
export async function jobsCommand(ctx: CoreContext, actor: Actor, words: readonly string[], print: Print): Promise<number> {
  const [sub, jobId = ''] = words;
  if (sub === 'cancel') {
    const result = await cancelJob(ctx, actor, jobId);
    if (!result.ok) {
      print(`error: ${result.message}`);
      return 1;
    }
    print(result.how === 'cancelled' ? `${result.job}: cancelled before it started.` : `${result.job}: stopping at its next step.`);
    return 0;
  }
  if (sub) {
    print(`error: unknown jobs command ${sub} (jobs, or jobs cancel <job id>)`);
    return 2;
  }
  const result = await listJobs(ctx, actor, 50);
  if (!result.ok) {
    print(`error: ${result.message}`);
    return 1;
  }
  for (const job of result.jobs)
    print([job.id, job.what, job.status, job.progress ?? '', job.requestedBy, job.createdAt.toISOString(), job.error ?? ''].join('\t').trimEnd());
  if (result.jobs.length === 0) print('No jobs.');
  return 0;
}
