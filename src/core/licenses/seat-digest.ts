import { z } from 'zod';
import type { JobRecord } from '../../domain/jobs.js';
import type { CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobHandler } from '../jobs/job-handler.js';
import { SCHEDULE_ACTOR, type Recurring } from '../jobs/scheduler.js';
import { markDigestSent, organizationsWithDigest } from '../../store/license-settings.js';
import { tenantById } from '../../store/organizations.js';
import { sumByCurrency, type Money } from './money.js';
import { reclaimCandidates } from './reclaim-report.js';
import { alertRecipients, type AlertRecipients } from './seat-alert.js';
import { productSeats, type ProductSeats } from './seat-alerts.js';

/**
 * The weekly seat digest (opt-in per organization, `/licenses alerts digest monday 9`): every
 * product's seats, which are low, and what reclaiming would free. Organizations have no time zone
 * in Roster, so the hour is UTC. The sweep looks every 15 minutes (and at each start) for
 * organizations whose last slot (the latest such day and hour) is after the last digest: a digest
 * missed while Roster was stopped goes at the next start, once; one job per organization and slot.
 */
export const SEAT_DIGEST_JOB = 'licenses.seat_digest';

export const SEAT_DIGEST_SWEEP: Recurring = { kind: 'sweep.seat-digest', everyMs: 15 * 60_000, atStart: true };

const payloadSchema = z.object({ slot: z.iso.datetime() });

export interface SeatDigest {
  organizationName: string;
  products: ProductSeats[];
  reclaimable: { users: number; monthly: Money[] };
  to: AlertRecipients;
  slot: Date;
}

/** The latest moment at or before `now` that falls on `day` (0 Sunday) at `hour`:00 UTC. */
export function lastSlot(now: Date, day: number, hour: number): Date {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  slot.setUTCDate(slot.getUTCDate() - ((now.getUTCDay() - day + 7) % 7));
  if (slot > now) slot.setUTCDate(slot.getUTCDate() - 7);
  return slot;
}

/** Queues the digest of every organization whose slot came since its last digest; returns how many. */
export async function queueDueDigests(ctx: CoreContext): Promise<number> {
  const now = ctx.now();
  let queued = 0;
  for (const org of await organizationsWithDigest(ctx.db)) {
    const slot = lastSlot(now, org.day, org.hour);
    if (slot <= org.after) continue;
    const { created } = await enqueue(ctx, {
      tenantId: org.tenantId,
      kind: SEAT_DIGEST_JOB,
      key: `${SEAT_DIGEST_JOB}:${org.tenantId}:${slot.toISOString()}`,
      payload: { slot: slot.toISOString() } satisfies z.input<typeof payloadSchema>,
      requestedBy: SCHEDULE_ACTOR,
      maxAttempts: 5,
    });
    if (created) queued++;
  }
  return queued;
}

export function seatDigestSweepHandler(ctx: CoreContext): JobHandler {
  return { kind: SEAT_DIGEST_SWEEP.kind, lane: 'light', run: async () => ({ done: { queued: await queueDueDigests(ctx) } }) };
}

/** What a digest job says; null when the organization is gone or its digest was turned off meanwhile. */
export async function seatDigestOf(ctx: CoreContext, job: JobRecord): Promise<SeatDigest | null> {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success || !job.tenantId) throw new PermanentJobFailure('The seat digest could not be read back.');
  const tenant = await tenantById(ctx.db, job.tenantId);
  if (!tenant) return null;
  if (!(await organizationsWithDigest(ctx.db)).some((org) => org.tenantId === tenant.id)) return null;
  const { rows, count } = await reclaimCandidates(ctx, tenant.id);
  return {
    organizationName: tenant.name,
    products: await productSeats(ctx, tenant.id),
    reclaimable: { users: count, monthly: sumByCurrency(rows.flatMap((r) => r.monthly)) },
    to: await alertRecipients(ctx, tenant.id),
    slot: new Date(payload.data.slot),
  };
}

/** The digest of this slot went out: the next falls due at the next slot. */
export async function digestSent(ctx: CoreContext, job: JobRecord): Promise<void> {
  const payload = payloadSchema.safeParse(job.payload);
  if (payload.success && job.tenantId) await markDigestSent(ctx.db, job.tenantId, new Date(payload.data.slot));
}
