import type { Db } from './database.js';
import { fromDbDate, toDbDate } from './values.js';

/** The audit trail as admins query it (`/users audit`, `roster audit`): filters, newest first, keyset pages. */

export interface AuditLogEntry {
  id: string;
  at: Date;
  /** A Slack member id, `cli:<name>` or `roster:<what>`. */
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetUserId: string | null;
  changedFields: string[];
  summary: string;
}

export interface AuditFilter {
  tenantId: string;
  targetUserId?: string;
  actor?: string;
  /** `user.delete`, or a family: `user.` matches every user action. */
  action?: string;
  since?: Date;
  until?: Date;
  /** The last entry of the previous page: the page starts after it. */
  after?: { at: Date; id: string };
  limit: number;
}

export async function auditLog(db: Db, filter: AuditFilter): Promise<AuditLogEntry[]> {
  let query = db
    .selectFrom('AuditRecord')
    .select(['id', 'createdAt', 'actorSlackUserId', 'action', 'targetType', 'targetId', 'targetUserId', 'changedFields', 'summary'])
    .where('tenantId', '=', filter.tenantId);
  if (filter.targetUserId) query = query.where('targetUserId', '=', filter.targetUserId);
  if (filter.actor) query = query.where('actorSlackUserId', '=', filter.actor);
  if (filter.action) query = filter.action.endsWith('.') ? query.where('action', 'like', `${filter.action}%`) : query.where('action', '=', filter.action);
  if (filter.since) query = query.where('createdAt', '>=', toDbDate(filter.since));
  if (filter.until) query = query.where('createdAt', '<', toDbDate(filter.until));
  const after = filter.after;
  if (after) {
    const at = toDbDate(after.at);
    query = query.where((eb) => eb.or([eb('createdAt', '<', at), eb.and([eb('createdAt', '=', at), eb('id', '<', after.id)])]));
  }
  const rows = await query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((row) => {
    const fields: unknown = JSON.parse(row.changedFields);
    return {
      id: row.id,
      at: fromDbDate(row.createdAt),
      actor: row.actorSlackUserId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      targetUserId: row.targetUserId,
      changedFields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [],
      summary: row.summary,
    };
  });
}

/** Days the organization keeps its audit records; null: forever. */
export async function auditRetentionDays(db: Db, tenantId: string): Promise<number | null> {
  const row = await db.selectFrom('Tenant').select('auditRetentionDays').where('id', '=', tenantId).executeTakeFirst();
  return row?.auditRetentionDays ?? null;
}

export async function setAuditRetentionDays(db: Db, tenantId: string, days: number | null): Promise<void> {
  await db.updateTable('Tenant').set({ auditRetentionDays: days }).where('id', '=', tenantId).execute();
}

/** The organizations that keep their audit records a limited time. */
export async function tenantsWithAuditRetention(db: Db): Promise<{ tenantId: string; days: number }[]> {
  const rows = await db.selectFrom('Tenant').select(['id', 'auditRetentionDays']).where('auditRetentionDays', 'is not', null).execute();
  return rows.map((row) => ({ tenantId: row.id, days: row.auditRetentionDays ?? 0 }));
}

/** Deletes up to `limit` of an organization's records older than `before` (oldest first); returns how many. */
export async function deleteAuditBefore(db: Db, tenantId: string, before: Date, limit: number): Promise<number> {
  const stamp = toDbDate(before);
  const result = await db
    .deleteFrom('AuditRecord')
    .where(
      'id',
      'in',
      db.selectFrom('AuditRecord').select('id').where('tenantId', '=', tenantId).where('createdAt', '<', stamp).orderBy('createdAt').limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
