import type { Tx } from '../context.js';

export type AuditAction = 'tenant.setup' | 'licenses.buy' | 'user.create' | 'users.import';

/** Records who did what. `summary` is for people and must never hold a secret. */
export async function writeAudit(
  tx: Tx,
  record: { tenantId: string; actorSlackUserId: string; action: AuditAction; targetType: string; targetId?: string; summary: string; at: Date },
): Promise<void> {
  await tx.auditRecord.create({
    data: {
      tenantId: record.tenantId,
      actorSlackUserId: record.actorSlackUserId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId ?? null,
      summary: record.summary,
      createdAt: record.at,
    },
  });
}
