import { PRODUCT_CHANGE_JOB, productChangeJobResult, runProductChangeJob } from '../../core/licenses/product-change-job.js';
import { esc } from '../views/kit.js';
import { productChangeResultMessage } from '../views/licenses-page-views.js';
import type { WorkspaceJob } from './workspace-job.js';

/** The Licenses page's assign and unassign in the app: a user per step, then the outcome by DM (the job's last step). */
export const productChangeSlackJob: WorkspaceJob = {
  kind: PRODUCT_CHANGE_JOB,
  async run(deps, job) {
    const end = await runProductChangeJob(deps.core, job);
    if ('stopped' in end) return end;
    if (!job.progress.reported) {
      const { skuId, direction } = job.record.payload as { skuId: string; direction: 'assign' | 'unassign' };
      const result = await productChangeJobResult(deps.core, job.record.id, skuId);
      if (result) await deps.slack.dm(job.record.requestedBy, productChangeResultMessage(result, direction));
      await job.saveProgress({ reported: true });
    }
    return end;
  },
  async ended(deps, job, how) {
    if ('failed' in how) await deps.slack.dm(job.requestedBy, { text: esc(`The licenses were not changed: ${how.failed}`) });
  },
};
