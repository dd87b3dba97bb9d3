import type { RunningJob } from '../../core/jobs/job-handler.js';
import { RECLAIM_JOB, reclaimJobResult, runReclaimJob } from '../../core/licenses/reclaim-job.js';
import { alertedAdmins, SEAT_ALERT_JOB, seatAlertOf, type AlertRecipients } from '../../core/licenses/seat-alert.js';
import { digestSent, SEAT_DIGEST_JOB, seatDigestOf } from '../../core/licenses/seat-digest.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import type { Blocks } from '../slack-port.js';
import { esc } from '../views/kit.js';
import { reclaimResultMessage } from '../views/reclaim-views.js';
import type { WorkspaceJob } from './workspace-job.js';
import { seatAlertMessage, seatDigestMessage } from '../views/seat-alert-views.js';

/**
 * Sends a message to an organization's alert recipients: its channel, or a DM to each alerted
 * admin, each once (the job's progress remembers who has it, so a retried job sends no second).
 * A channel Roster cannot post in (not invited, archived) falls back to the admins' DMs, saying so.
 */
async function sendToRecipients(
  deps: ListenerDeps,
  job: RunningJob,
  tenantId: string,
  to: AlertRecipients,
  message: { text: string; blocks: Blocks },
): Promise<void> {
  const sent = new Set(Array.isArray(job.progress.sent) ? job.progress.sent.filter((s): s is string => typeof s === 'string') : []);
  let members: string[];
  let note = '';
  if ('channel' in to) {
    if (sent.has(to.channel)) return;
    try {
      await deps.slack.postMessage(to.channel, message);
      await job.saveProgress({ sent: [...sent, to.channel] });
      return;
    } catch (error) {
      deps.logger.warn('could not post a seat alert in its channel; sending it to the admins instead', { channel: to.channel, ...describeError(error) });
      note = `Roster could not post this in <#${to.channel}> (invite Roster there, or \`/licenses alerts channel admins\`).`;
      members = await alertedAdmins(deps.core, tenantId);
    }
  } else members = to.members;
  for (const member of members) {
    if (sent.has(member)) continue;
    await deps.slack.dm(member, note ? { ...message, blocks: [...message.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: note }] }] } : message);
    sent.add(member);
    await job.saveProgress({ sent: [...sent] });
  }
}

/** A product went below its seat alert threshold (queued by the change that took it there): one alert. */
export const seatAlertSlackJob: WorkspaceJob = {
  kind: SEAT_ALERT_JOB,
  lane: 'light',
  async run(deps, job) {
    const alert = await seatAlertOf(deps.core, job.record);
    if (!alert || !job.record.tenantId) return { done: { sent: 0 } };
    await sendToRecipients(deps, job, job.record.tenantId, alert.to, seatAlertMessage(alert));
    return { done: { product: alert.seats.product.partNumber, available: alert.seats.available } };
  },
};

/** The weekly seat digest of one organization and slot. */
export const seatDigestSlackJob: WorkspaceJob = {
  kind: SEAT_DIGEST_JOB,
  lane: 'light',
  async run(deps, job) {
    const digest = await seatDigestOf(deps.core, job.record);
    if (!digest || !job.record.tenantId) return { done: { sent: 0 } };
    await sendToRecipients(deps, job, job.record.tenantId, digest.to, seatDigestMessage(digest));
    await digestSent(deps.core, job.record);
    return { done: { products: digest.products.length } };
  },
};

/** Reclaim all from the report: the users a few dozen a step, then the results in one DM to whoever asked. */
export const reclaimSlackJob: WorkspaceJob = {
  kind: RECLAIM_JOB,
  async run(deps, job) {
    const end = await runReclaimJob(deps.core, job);
    if ('stopped' in end) return end;
    if (!job.progress.reported) {
      await deps.slack.dm(job.record.requestedBy, reclaimResultMessage(await reclaimJobResult(deps.core, job.record.id)));
      await job.saveProgress({ ...job.progress, reported: true });
    }
    return end;
  },
  async ended(deps, job, how) {
    if ('failed' in how) await deps.slack.dm(job.requestedBy, { text: esc(`The licenses were not reclaimed: ${how.failed}`) });
  },
};
