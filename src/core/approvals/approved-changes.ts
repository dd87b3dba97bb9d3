import { z } from 'zod';
import { actorSchema, type Actor, type CoreContext } from '../context.js';
import { identify } from '../access/authorize.js';
import { startImport } from '../bulk/import-job-actions.js';
import { startFormImport, type FormImportInput } from '../bulk/form-import.js';
import { readStoredSettings } from '../bulk/import-settings.js';
import { buyLicenses } from '../licenses/buy-licenses.js';
import { changeQuantity } from '../licenses/change-quantity.js';
import { findProduct } from '../catalogue/find-product.js';
import { licensePools } from '../../store/seat-ledger.js';
import { editManyInputSchema } from '../users/edit-many.js';
import { queueEditMany } from '../users/edit-many-job.js';
import { queueBulkAction } from '../users/bulk-action-job.js';
import { deleteUsers } from '../users/delete-users.js';
import { editUser } from '../users/edit-user.js';
import { editUserInputSchema } from '../users/edit-user-input.js';
import { purgeDeletedUser } from '../users/purge-user.js';
import type { ApprovalRequestRecord } from '../../store/approvals.js';
import { rolesOf } from '../../store/directory-users.js';
import { findImportJob } from '../../store/import-jobs.js';
import { activeUsernameById, deletedUserById } from '../../store/user-lifecycle.js';
import { roleLabels, type Role } from '../roles.js';
import type { CoreError } from '../result.js';
import type { ApprovalGrant } from './approval-change.js';
import { openInput } from './approval-input.js';
import { lineKind } from './approval-requests.js';

/** What making an approved change came to: done (with what it did) or not (with why), in a sentence. */
export interface ApprovedOutcome {
  ok: boolean;
  text: string;
}

const failed = (text: string): ApprovedOutcome => ({ ok: false, text });
const UNREADABLE = 'The request could not be read back.';
const unreadable = () => failed(UNREADABLE);
const REQUESTER_LOST = 'The requester may no longer make this change';

/** A use case's refusal as the outcome: a lost permission names the requester's, anything else says what changed. */
function refused(error: CoreError): ApprovedOutcome {
  if (error.code === 'forbidden' || error.code === 'not_set_up') return failed(`${REQUESTER_LOST}: ${error.message}`);
  return failed(`The situation changed since it was asked: ${error.message}`);
}

const deleteInput = z.object({ via: z.enum(['delete', 'bulk']), userIds: z.array(z.string()).min(1) });
const roleInput = z.object({ userId: z.string(), edit: editUserInputSchema, rolesBefore: z.array(z.string()) });
const purgeInput = z.object({ user: z.string(), userPrincipalName: z.string() });
const buyInput = z.object({ product: z.string(), quantity: z.number().int(), set: z.boolean().optional(), from: z.number().int().optional() });
const importInput = z.object({ jobId: z.string(), settings: z.unknown() });
const formInput = z.object({ form: z.custom<FormImportInput>((value) => typeof value === 'object' && value !== null) });

/** The users a change is about that are no longer active (deleted or removed meanwhile), by name. */
async function goneUsers(ctx: CoreContext, tenantId: string, userIds: readonly string[]): Promise<string[]> {
  const gone: string[] = [];
  for (const id of userIds) if (!(await activeUsernameById(ctx.db, tenantId, id))) gone.push(id);
  return gone;
}

/**
 * Makes an approved request's change (docs/domain.md "Two-person approval"): its input is read
 * back (opened when sealed), the situation compared with the one approved (users deleted meanwhile,
 * an import started or cancelled, roles changed), then the use case runs as the requester, with
 * their roles as they are now, and with the approval (so it is not held again). Whatever would be a
 * job when asked directly (imports, Edit many, bulk deletes) is queued as that job on the app's queue
 * (the app sends its results to the requester); a command-line import never gets here (refused when asked).
 */
export async function makeApprovedChange(ctx: CoreContext, record: ApprovalRequestRecord): Promise<ApprovedOutcome> {
  const input = openInput(ctx, record.id, record.input, record.sealed);
  if (input === null) return failed('The request can no longer be read (Roster’s secret key changed?). Ask for the change again.');
  const requester = actorSchema.safeParse(record.requester);
  if (!requester.success) return failed('The request names no requester Roster can read. Ask for the change again.');
  const actor: Actor = requester.data;
  const who = await identify(ctx, actor);
  if (!who.ok) return failed(`${REQUESTER_LOST}: ${who.message}`);
  const grant: ApprovalGrant = { requestId: record.id, approvedBy: record.decidedBy ?? '' };
  switch (lineKind(record.kind)) {
    case 'delete_users': {
      const parsed = deleteInput.safeParse(input);
      if (!parsed.success) return unreadable();
      const gone = await goneUsers(ctx, record.tenantId, parsed.data.userIds);
      if (gone.length > 0)
        return failed(
          `${gone.length === parsed.data.userIds.length ? 'Every user' : `${gone.length} of the users`} it names was deleted or removed meanwhile; nothing was deleted. Ask again for those still there.`,
        );
      if (parsed.data.via === 'bulk') {
        const queued = await queueBulkAction(ctx, actor, { action: 'delete', users: { ids: parsed.data.userIds } }, { queue: 'app', approval: grant });
        return queued.ok ? { ok: true, text: `Deleting ${queued.users} users as job ${queued.jobId}; the results follow.` } : refused(queued);
      }
      const result = await deleteUsers(ctx, actor, { userIds: parsed.data.userIds }, { approval: grant });
      if (!result.ok) return refused(result);
      const deleted = result.deleted.map((u) => u.userPrincipalName);
      const notDeleted = result.notDeleted.map((n) => `${n.name} (${n.reason})`);
      return {
        ok: notDeleted.length === 0,
        text: `${deleted.length ? `Deleted ${deleted.join(', ')} (restorable for 30 days).` : 'Nobody was deleted.'}${notDeleted.length ? ` Not deleted: ${notDeleted.join('; ')}` : ''}`,
      };
    }
    case 'role_grant': {
      const parsed = roleInput.safeParse(input);
      if (!parsed.success) return unreadable();
      const name = await activeUsernameById(ctx.db, record.tenantId, parsed.data.userId);
      if (!name) return failed('The user was deleted meanwhile; no role was given.');
      const now = await rolesOf(ctx.db, parsed.data.userId);
      const before = parsed.data.rolesBefore as Role[];
      if ([...now].sort().join() !== [...before].sort().join())
        return failed(
          `The roles of ${name} changed since it was asked (${before.length ? roleLabels(before) : 'none'} then, ${now.length ? roleLabels(now) : 'none'} now); nothing was changed. Ask again.`,
        );
      const result = await editUser(ctx, actor, { userId: parsed.data.userId }, parsed.data.edit, { approval: grant });
      if (!result.ok) return refused(result);
      return {
        ok: true,
        text: `${name} now has the roles asked for${result.changedFields.length > 1 ? ` (changed: ${result.changedFields.join(', ')})` : ''}.`,
      };
    }
    case 'purge_user': {
      const parsed = purgeInput.safeParse(input);
      if (!parsed.success) return unreadable();
      if (!(await deletedUserById(ctx.db, record.tenantId, parsed.data.user)))
        return failed(`${parsed.data.userPrincipalName} was restored or removed meanwhile; nothing was removed.`);
      const result = await purgeDeletedUser(ctx, actor, { user: parsed.data.userPrincipalName, confirm: parsed.data.userPrincipalName, approval: grant });
      return result.ok ? { ok: true, text: `Removed ${result.userPrincipalName} for good.` } : refused(result);
    }
    case 'buy_licenses': {
      const parsed = buyInput.safeParse(input);
      if (!parsed.success) return unreadable();
      if (parsed.data.set) {
        const product = findProduct(parsed.data.product);
        const pool = product.ok ? (await licensePools(ctx.db, record.tenantId)).find((p) => p.skuId === product.product.skuId) : undefined;
        if (pool && parsed.data.from !== undefined && pool.total !== parsed.data.from)
          return failed(
            `${product.ok ? product.product.displayName : parsed.data.product} has ${pool.total} seats now (${parsed.data.from} when it was asked); nothing was changed. Ask again.`,
          );
        const set = await changeQuantity(ctx, actor, { product: parsed.data.product, quantity: parsed.data.quantity, approval: grant });
        return set.ok ? { ok: true, text: `${set.product.displayName} now has ${set.total} seats (${set.before} before).` } : refused(set);
      }
      const result = await buyLicenses(ctx, actor, {
        product: parsed.data.product,
        quantity: parsed.data.quantity,
        requestKey: `approval:${record.id}`,
        approval: grant,
      });
      return result.ok
        ? { ok: true, text: `Bought ${result.quantity} ${result.product.displayName}: ${result.total} in total, ${result.available} available.` }
        : refused(result);
    }
    case 'import': {
      const form = formInput.safeParse(input);
      if (form.success) {
        const started = await startFormImport(ctx, actor, form.data.form, { key: `approval:${record.id}`, queue: 'app', approval: grant });
        return started.ok ? { ok: true, text: `Adding ${started.users} users (job ${started.runId}); the results follow.` } : refused(started);
      }
      const parsed = importInput.safeParse(input);
      if (!parsed.success) return unreadable();
      const job = await findImportJob(ctx.db, parsed.data.jobId, record.tenantId);
      if (!job) return failed('The import is gone (cancelled or removed); nothing was imported.');
      if (job.status !== 'previewed') return failed(`The import is ${job.status} now, not waiting to start; nothing was started.`);
      const settings = readStoredSettings(parsed.data.settings);
      if (!settings.ok) return failed(settings.message);
      const started = await startImport(ctx, actor, job.id, settings.settings, { queue: 'app', approval: grant });
      return started.ok
        ? { ok: true, text: `Importing ${job.rowsReady} users from ${job.fileName} (job ${started.runId}); the results follow.` }
        : refused(started);
    }
    case 'edit_many': {
      const parsed = editManyInputSchema.safeParse(input);
      if (!parsed.success) return unreadable();
      const gone = await goneUsers(ctx, record.tenantId, parsed.data.userIds);
      if (gone.length > 0) return failed(`${gone.length} of the users it names were deleted meanwhile; nothing was changed. Ask again.`);
      const queued = await queueEditMany(ctx, actor, parsed.data, { queue: 'app', approval: grant });
      return queued.ok ? { ok: true, text: `Editing ${queued.users} users as job ${queued.jobId}; the results follow.` } : refused(queued);
    }
  }
}
