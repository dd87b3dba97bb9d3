import { timeOrderedId } from './row-ids.js';
import { type Insertable, sql } from 'kysely';
import type { AuditRecord } from '../generated/kysely/database.js';
import { type Db, runEach } from './database.js';
import { fromDbDate, toDbDate, toDbJson } from './values.js';

/** All SQL about the audit trail: who did what to whom, which fields changed (never their values). */

export type AuditAction =
  | 'tenant.setup'
  | 'licenses.buy'
  | 'user.create'
  | 'user.password_reissued'
  | 'users.import'
  | 'user.update'
  | 'user.block'
  | 'user.unblock'
  | 'user.password_reset'
  | 'user.mark_synced'
  | 'users.bulk_update'
  | 'view.create'
  | 'view.update'
  | 'view.delete'
  | 'tenant.seat_warning'
  | 'tenant.audit_retention'
  | 'tenant.password_expiry'
  | 'domain.add'
  | 'domain.verify'
  | 'domain.default'
  | 'domain.remove'
  | 'user.delete'
  | 'user.restore'
  | 'user.purge'
  | 'user.invite'
  | 'user.link'
  | 'user.licenses'
  | 'user.mailbox_removed'
  | 'licenses.quantity'
  | 'licenses.self_service'
  | 'licenses.takeover'
  | 'user.credential_viewed'
  | 'user.credential_expired'
  | 'import_channel.add'
  | 'import_channel.remove'
  | 'workspace.installed'
  | 'workspace.uninstalled'
  | 'tenant.connect'
  | 'tenant.disconnect'
  | 'licenses.alert'
  | 'licenses.price'
  | 'user.license_kept'
  | 'tenant.time_zone'
  | 'tenant.schedule_hour'
  | 'user.offboard_scheduled'
  | 'user.offboard_changed'
  | 'user.offboard_cancelled'
  | 'tenant.approval_policy'
  | 'approval.requested'
  | 'approval.approved'
  | 'approval.denied'
  | 'approval.cancelled'
  | 'approval.expired'
  | 'approval.done'
  | 'approval.failed'
  | 'user.started'
  | 'user.start_changed'
  | 'user.start_cancelled';

export interface AuditEntry {
  tenantId: string;
  /** A Slack member id, or `cli:<name>` for a local operator. */
  actor: string;
  action: AuditAction;
  targetType: 'tenant' | 'product' | 'user' | 'import' | 'view' | 'channel' | 'domain' | 'approval';
  targetId?: string;
  /** The directory user the change is about. */
  targetUserId?: string;
  /** Names of the fields that changed; never values (a password is named `password`, nothing more). */
  changedFields?: readonly string[];
  /** For people; never holds a secret. */
  summary: string;
}

export interface AuditView {
  at: Date;
  actor: string;
  action: string;
  changedFields: string[];
  summary: string;
}

function toRow(entry: AuditEntry, stamp: string): Insertable<AuditRecord> {
  return {
    id: timeOrderedId(),
    tenantId: entry.tenantId,
    actorSlackUserId: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? entry.targetUserId ?? null,
    targetUserId: entry.targetUserId ?? null,
    changedFields: toDbJson(entry.changedFields ?? []),
    summary: entry.summary,
    createdAt: stamp,
  };
}

/** Records changes (inside the caller's transaction, so a change and its record stand or fall together). */
export async function writeAudit(db: Db, entries: AuditEntry | readonly AuditEntry[], at: Date): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  const stamp = toDbDate(at);
  await runEach(
    db,
    (row) => db.insertInto('AuditRecord').values(row),
    list.map((entry) => toRow(entry, stamp)),
  );
}

function toView(row: { createdAt: string; actorSlackUserId: string; action: string; changedFields: string; summary: string }): AuditView {
  const fields: unknown = JSON.parse(row.changedFields);
  return {
    at: fromDbDate(row.createdAt),
    actor: row.actorSlackUserId,
    action: row.action,
    changedFields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [],
    summary: row.summary,
  };
}

/**
 * The organization's latest changes, one line per import (not one per imported user). The condition
 * is written with literals, as in the partial index AuditRecord_recent_changes_idx (migration
 * 20261203131125_audit_recent_changes_index), so SQLite reads that index and skips imported users' records.
 */
export async function recentChanges(db: Db, tenantId: string, limit: number): Promise<AuditView[]> {
  return (await recentChangesQuery(db, tenantId, limit).execute()).map(toView);
}

/** The query of `recentChanges` (exported so a test can check SQLite's plan for it). */
export function recentChangesQuery(db: Db, tenantId: string, limit: number) {
  return db
    .selectFrom('AuditRecord')
    .select(['createdAt', 'actorSlackUserId', 'action', 'changedFields', 'summary'])
    .where('tenantId', '=', tenantId)
    .where((eb) => eb.not(eb.and([eb('action', '=', sql.lit('users.import')), eb('targetType', '=', sql.lit('user'))])))
    .orderBy('createdAt', 'desc')
    .limit(limit);
}

/** A user's latest changes. */
export async function userHistory(db: Db, userId: string, limit: number): Promise<AuditView[]> {
  const rows = await db
    .selectFrom('AuditRecord')
    .select(['createdAt', 'actorSlackUserId', 'action', 'changedFields', 'summary'])
    .where('targetUserId', '=', userId)
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toView);
}
