import type { Db } from './database.js';

/** The organization settings the App Home reads: for now the seat warning threshold. */

export async function seatWarningThreshold(db: Db, tenantId: string): Promise<number> {
  const row = await db.selectFrom('Tenant').select('seatWarningThreshold').where('id', '=', tenantId).executeTakeFirst();
  return row?.seatWarningThreshold ?? 5;
}

export async function setSeatWarningThreshold(db: Db, tenantId: string, threshold: number): Promise<void> {
  await db.updateTable('Tenant').set({ seatWarningThreshold: threshold }).where('id', '=', tenantId).execute();
}

export async function setPasswordExpiryDays(db: Db, tenantId: string, days: number): Promise<void> {
  await db.updateTable('Tenant').set({ passwordExpiryDays: days }).where('id', '=', tenantId).execute();
}

/** When an organization's scheduled changes run: its time zone (IANA) and the hour there. */
export async function scheduleSettings(db: Db, tenantId: string): Promise<{ timeZone: string; hour: number }> {
  const row = await db.selectFrom('Tenant').select(['timeZone', 'scheduleHour']).where('id', '=', tenantId).executeTakeFirst();
  return { timeZone: row?.timeZone ?? 'UTC', hour: row?.scheduleHour ?? 9 };
}

export async function setScheduleSettings(db: Db, tenantId: string, change: { timeZone?: string; hour?: number }): Promise<void> {
  await db
    .updateTable('Tenant')
    .set({ ...(change.timeZone ? { timeZone: change.timeZone } : {}), ...(change.hour !== undefined ? { scheduleHour: change.hour } : {}) })
    .where('id', '=', tenantId)
    .execute();
}
