import { z } from 'zod';
import type { JobRecord } from '../../domain/jobs.js';
import type { CoreContext } from '../context.js';
import { PermanentJobFailure } from '../jobs/job-handler.js';
import { rolesGranting, type Role } from '../roles.js';
import { licenseSettings } from '../../store/license-settings.js';
import { tenantById } from '../../store/organizations.js';
import { slackMembersWithRoles } from '../../store/role-members.js';
import { latestSeatUses, type SeatUse } from '../../store/seat-uses.js';
import { productSeats, type ProductSeats } from './seat-alerts.js';

export { SEAT_ALERT_JOB } from '../../domain/seat-alerts.js';

/** The roles whose members get seat alerts and digests by DM: who may buy licenses, and the License admins. */
export const ALERTED_ROLES: readonly Role[] = [...new Set<Role>([...rolesGranting('buy_licenses'), 'license_admin'])];

/** At most this many admins get an alert by DM (a channel is the way to reach more). */
const MOST_RECIPIENTS = 50;

/** Where an organization's seat alerts and digests go: its channel, or each alerted admin by DM. */
export type AlertRecipients = { channel: string } | { members: string[] };

export interface SeatAlert {
  organizationName: string;
  /** A connected tenant: more seats are bought in the Microsoft 365 admin center, not with `/licenses buy`. */
  connected: boolean;
  seats: ProductSeats;
  /** The changes that used its seats lately, newest first. */
  uses: SeatUse[];
  to: AlertRecipients;
}

const payloadSchema = z.object({ skuId: z.string(), crossing: z.number().int() });

export async function alertRecipients(ctx: CoreContext, tenantId: string): Promise<AlertRecipients> {
  const settings = await licenseSettings(ctx.db, tenantId);
  if (settings.alertChannelId) return { channel: settings.alertChannelId };
  return { members: await alertedAdmins(ctx, tenantId) };
}

/** The Global, Billing and License admins linked to Slack who can sign in (at most 50): alerts go to them by DM. */
export function alertedAdmins(ctx: CoreContext, tenantId: string): Promise<string[]> {
  return slackMembersWithRoles(ctx.db, tenantId, ALERTED_ROLES, MOST_RECIPIENTS);
}

/**
 * What a seat alert job says (store/seat-alerts.ts queued it in the change's transaction): the
 * product, its seats as they are now, the last changes that used them, and whom to tell. Null when
 * there is nothing to say any more (the organization or the product is gone).
 */
export async function seatAlertOf(ctx: CoreContext, job: JobRecord): Promise<SeatAlert | null> {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success || !job.tenantId) throw new PermanentJobFailure('The seat alert could not be read back.');
  const tenant = await tenantById(ctx.db, job.tenantId);
  if (!tenant) return null;
  const seats = (await productSeats(ctx, tenant.id)).find((p) => p.product.skuId === payload.data.skuId);
  if (!seats) return null;
  return {
    organizationName: tenant.name,
    connected: tenant.directory !== 'embedded',
    seats,
    uses: await latestSeatUses(ctx.db, tenant.id, seats.product.skuId, 5),
    to: await alertRecipients(ctx, tenant.id),
  };
}
