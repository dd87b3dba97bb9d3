/**
 * Seat alerts as the core and the store both see them: the store queues an alert in the
 * transaction whose change took a product below its threshold (src/store/seat-alerts.ts), the core
 * reads it back and the app sends it (src/core/licenses/seat-alert.ts).
 */

/** The job that sends one crossing's alert (its key names the organization, the product and the crossing). */
export const SEAT_ALERT_JOB = 'licenses.seat_alert';

/** How the job records name who queued an alert. */
export const SEAT_ALERT_ACTOR = 'roster:seat-alert';

/** The key of a crossing's alert job: one job per crossing, however many processes saw it. */
export function seatAlertKey(tenantId: string, skuId: string, crossing: number): string {
  return `${SEAT_ALERT_JOB}:${tenantId}:${skuId}:${crossing}`;
}
