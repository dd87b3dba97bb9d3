import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sqliteDate, statement } from '../store/statements.js';

export type AuditAction = 'tenant.setup' | 'licenses.buy' | 'user.create' | 'users.import';

/** Records who did what (inside the caller's transaction). `summary` is for people and never holds a secret. */
export function writeAudit(
  db: Database.Database,
  record: { tenantId: string; actorSlackUserId: string; action: AuditAction; targetType: string; targetId?: string; summary: string; at: Date },
): void {
  statement(
    db,
    'INSERT INTO AuditRecord (id, tenantId, actorSlackUserId, action, targetType, targetId, summary, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(randomUUID(), record.tenantId, record.actorSlackUserId, record.action, record.targetType, record.targetId ?? null, record.summary, sqliteDate(record.at));
}
