import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { invalidFields, ok, type FieldError, type Result } from '../result.js';
import { approvalPolicy, DEFAULT_VALID_HOURS, saveApprovalPolicy, type ApprovalPolicyRecord } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { policyLines } from './approval-change.js';

export type { ApprovalPolicyRecord } from '../../store/approvals.js';

export const MAX_THRESHOLD = 100_000;
export const MAX_VALID_HOURS = 720;

/** What `/users policy` and `roster policy set` take; absent fields keep their value. */
export interface ApprovalPolicyInput {
  roleGrants?: boolean;
  deletes?: boolean;
  purges?: boolean;
  /** More than this many users in an import or Edit many; empty or "off": never. */
  bulkAbove?: number | string | null;
  /** More than this many seats in one purchase; empty or "off": never. */
  seatsAbove?: number | string | null;
  validHours?: number | string | null;
}

/** `/users policy` (the form), `roster policy show`: the organization's approval policy (any admin role reads it). */
export async function showApprovalPolicy(
  ctx: CoreContext,
  actor: Actor,
): Promise<Result<{ policy: ApprovalPolicyRecord; lines: string[]; mayChange: boolean }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const policy = await approvalPolicy(ctx.db, auth.tenant.id);
  return ok({ policy, lines: policyLines(policy), mayChange: auth.roles.includes('global_admin') });
}

/** The form's content, refused at once to anyone but a Global admin (so it never opens for nothing). */
export async function approvalPolicyForm(ctx: CoreContext, actor: Actor): Promise<Result<{ policy: ApprovalPolicyRecord }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  return ok({ policy: await approvalPolicy(ctx.db, auth.tenant.id) });
}

function threshold(raw: number | string | null | undefined, field: string, what: string, kept: number | null): number | null | FieldError {
  if (raw === undefined) return kept;
  if (raw === null) return null;
  const text = String(raw).trim().toLowerCase();
  if (text === '' || text === 'off' || text === 'none') return null;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= MAX_THRESHOLD)) return { field, message: `${what}: a whole number from 0 to ${MAX_THRESHOLD.toLocaleString('en-US')}, or empty (off).` };
  return n;
}

/**
 * `/users policy` submitted, `roster policy set`: which changes need a second admin's approval and
 * how long a request waits (1 to 720 hours; 24 unless set). Global admins only; audited. A change
 * applies to requests made from then on; pending ones keep their expiry.
 */
export async function setApprovalPolicy(
  ctx: CoreContext,
  actor: Actor,
  input: ApprovalPolicyInput,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ policy: ApprovalPolicyRecord; lines: string[]; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const before = await approvalPolicy(ctx.db, auth.tenant.id);
  const fields: FieldError[] = [];
  const bulkAbove = threshold(input.bulkAbove, 'bulkAbove', 'Users in an import or Edit many', before.bulkAbove);
  const seatsAbove = threshold(input.seatsAbove, 'seatsAbove', 'Seats in one purchase', before.seatsAbove);
  for (const value of [bulkAbove, seatsAbove]) if (typeof value === 'object' && value !== null) fields.push(value);
  let validHours = before.validHours;
  if (input.validHours !== undefined && input.validHours !== null && String(input.validHours).trim() !== '') {
    const text = String(input.validHours).trim();
    validHours = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (!(validHours >= 1 && validHours <= MAX_VALID_HOURS))
      fields.push({ field: 'validHours', message: `A request stays valid 1 to ${MAX_VALID_HOURS} hours (${DEFAULT_VALID_HOURS} unless set).` });
  }
  if (fields.length > 0) return invalidFields(fields);
  const policy: ApprovalPolicyRecord = {
    roleGrants: input.roleGrants ?? before.roleGrants,
    deletes: input.deletes ?? before.deletes,
    purges: input.purges ?? before.purges,
    bulkAbove: bulkAbove as number | null,
    seatsAbove: seatsAbove as number | null,
    validHours,
    updatedAt: ctx.now(),
    updatedBy: auth.actorId,
  };
  const lines = policyLines(policy);
  const now = ctx.now();
  const done = await transactionOrDryRun(ctx, !!options.dryRun, async (tx) => {
    await saveApprovalPolicy(tx, auth.tenant.id, policy, auth.actorId, now);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'tenant.approval_policy',
        targetType: 'tenant',
        changedFields: ['approvalPolicy'],
        summary: `Set the approval policy: ${lines.length ? lines.join('; ') : 'no change needs approval'}; requests valid ${validHours} h`,
      },
      now,
    );
  });
  if (!done.ok) return done;
  return ok({ policy, lines, dryRun: !!options.dryRun });
}
