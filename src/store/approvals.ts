import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ApprovalRequest } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { fromDbBool, fromDbDate, fromDbJson, toDbBool, toDbDate, toDbJson } from './values.js';

/**
 * All SQL about two-person approval (issue 17 item 1): each organization's policy (ApprovalPolicy)
 * and the requests it holds back (ApprovalRequest). A request changes state only by a conditional
 * UPDATE on its current state, so two approvers (or two instances) pressing at once act once.
 */

export interface ApprovalPolicyRecord {
  roleGrants: boolean;
  deletes: boolean;
  purges: boolean;
  bulkAbove: number | null;
  seatsAbove: number | null;
  validHours: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export const DEFAULT_VALID_HOURS = 24;

export const NO_POLICY: ApprovalPolicyRecord = {
  roleGrants: false,
  deletes: false,
  purges: false,
  bulkAbove: null,
  seatsAbove: null,
  validHours: DEFAULT_VALID_HOURS,
  updatedAt: null,
  updatedBy: null,
};

export async function approvalPolicy(db: Db, tenantId: string): Promise<ApprovalPolicyRecord> {
  const row = await db.selectFrom('ApprovalPolicy').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
  if (!row) return NO_POLICY;
  return {
    roleGrants: fromDbBool(row.roleGrants),
    deletes: fromDbBool(row.deletes),
    purges: fromDbBool(row.purges),
    bulkAbove: row.bulkAbove,
    seatsAbove: row.seatsAbove,
    validHours: row.validHours,
    updatedAt: fromDbDate(row.updatedAt),
    updatedBy: row.updatedBy,
  };
}

export async function saveApprovalPolicy(
  db: Db,
  tenantId: string,
  policy: Omit<ApprovalPolicyRecord, 'updatedAt' | 'updatedBy'>,
  by: string,
  at: Date,
): Promise<void> {
  const values = {
    roleGrants: toDbBool(policy.roleGrants),
    deletes: toDbBool(policy.deletes),
    purges: toDbBool(policy.purges),
    bulkAbove: policy.bulkAbove,
    seatsAbove: policy.seatsAbove,
    validHours: policy.validHours,
    updatedAt: toDbDate(at),
    updatedBy: by,
  };
  await db
    .insertInto('ApprovalPolicy')
    .values({ tenantId, ...values })
    .onConflict((conflict) => conflict.column('tenantId').doUpdateSet(values))
    .execute();
}

export type ApprovalStatus = 'pending' | 'approved' | 'running' | 'done' | 'failed' | 'denied' | 'cancelled' | 'expired';

export interface ApprovalMessageRef {
  channel: string;
  ts: string;
  /** The member the message went to. */
  member: string;
}

export interface ApprovalRequestRecord {
  id: string;
  tenantId: string;
  kind: string;
  /** JSON text: the input, or (sealed) the sealed form the core opens. */
  input: string;
  sealed: boolean;
  summary: unknown;
  requester: unknown;
  requestedBy: string;
  status: ApprovalStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
  outcome: string | null;
  messages: ApprovalMessageRef[];
}

function toRecord(row: Selectable<ApprovalRequest>): ApprovalRequestRecord {
  const messages = fromDbJson(row.messages);
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    input: row.input,
    sealed: fromDbBool(row.sealed),
    summary: fromDbJson(row.summary),
    requester: fromDbJson(row.requester),
    requestedBy: row.requestedBy,
    status: row.status as ApprovalStatus,
    createdAt: fromDbDate(row.createdAt),
    expiresAt: fromDbDate(row.expiresAt),
    decidedBy: row.decidedBy,
    decidedAt: fromDbDate(row.decidedAt),
    reason: row.reason,
    outcome: row.outcome,
    messages: Array.isArray(messages) ? (messages as ApprovalMessageRef[]) : [],
  };
}

export interface NewApprovalRequest {
  tenantId: string;
  kind: string;
  input: string;
  sealed: boolean;
  summary: unknown;
  requester: unknown;
  requestedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A short id people can type (`roster approvals approve 3f9a0c12d4`). */
export function newApprovalId(): string {
  return randomBytes(5).toString('hex');
}

export async function insertApprovalRequest(db: Db, request: NewApprovalRequest & { id: string }): Promise<void> {
  await db
    .insertInto('ApprovalRequest')
    .values({
      id: request.id,
      tenantId: request.tenantId,
      kind: request.kind,
      input: request.input,
      sealed: toDbBool(request.sealed),
      summary: toDbJson(request.summary),
      requester: toDbJson(request.requester),
      requestedBy: request.requestedBy,
      status: 'pending',
      createdAt: toDbDate(request.createdAt),
      expiresAt: toDbDate(request.expiresAt),
      messages: '[]',
    })
    .execute();
}

export async function findApprovalRequest(db: Db, tenantId: string, id: string): Promise<ApprovalRequestRecord | null> {
  const row = await db.selectFrom('ApprovalRequest').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function approvalRequestById(db: Db, id: string): Promise<ApprovalRequestRecord | null> {
  const row = await db.selectFrom('ApprovalRequest').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Moves a request from `from` to `to` when it is still in `from` (and, for a decision on a pending
 * request, not expired at `now`): true for the one caller whose UPDATE changed it.
 */
export async function moveApprovalRequest(
  db: Db,
  id: string,
  from: ApprovalStatus,
  to: ApprovalStatus,
  now: Date,
  set: { decidedBy?: string; reason?: string | null; outcome?: string | null; unexpired?: boolean } = {},
): Promise<boolean> {
  let query = db
    .updateTable('ApprovalRequest')
    .set({
      status: to,
      ...(set.decidedBy !== undefined ? { decidedBy: set.decidedBy, decidedAt: toDbDate(now) } : {}),
      ...(set.reason !== undefined ? { reason: set.reason } : {}),
      ...(set.outcome !== undefined ? { outcome: set.outcome } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from);
  if (set.unexpired) query = query.where('expiresAt', '>', toDbDate(now));
  const done = await query.executeTakeFirst();
  return done.numUpdatedRows === 1n;
}

/** The approvers' DMs of a request, kept to be updated when it is decided. */
export async function addApprovalMessages(db: Db, id: string, refs: ApprovalMessageRef[]): Promise<void> {
  const row = await db.selectFrom('ApprovalRequest').select('messages').where('id', '=', id).executeTakeFirst();
  if (!row) return;
  const before = fromDbJson(row.messages);
  const all = [...(Array.isArray(before) ? (before as ApprovalMessageRef[]) : []), ...refs];
  await db
    .updateTable('ApprovalRequest')
    .set({ messages: toDbJson(all) })
    .where('id', '=', id)
    .execute();
}

/** An organization's requests in these states, newest first. */
export async function approvalRequestsOf(db: Db, tenantId: string, statuses: readonly ApprovalStatus[], limit: number): Promise<ApprovalRequestRecord[]> {
  const rows = await db
    .selectFrom('ApprovalRequest')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('status', 'in', [...statuses])
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

/** Pending requests whose time ran out (every organization's), oldest first. */
export async function expiredApprovalRequests(db: Db, now: Date, limit: number): Promise<ApprovalRequestRecord[]> {
  const rows = await db
    .selectFrom('ApprovalRequest')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expiresAt', '<=', toDbDate(now))
    .orderBy('expiresAt')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}
