import type { CoreContext } from '../context.js';
import type { Db } from '../../store/database.js';
import { changeDirectory } from '../directory/change-directory.js';
import { fail, ok, type Result } from '../result.js';
import { reauthorize } from '../access/act-on-user.js';
import { step } from '../transaction.js';
import { writeAudit, type AuditEntry } from '../../store/audit.js';
import { activeUserRecordsByIds, licenseStatesOf, rolesOfUsers } from '../../store/directory-users.js';
import { licensesOfUsers } from '../../store/seat-ledger.js';
import type { ParsedEditUserInput } from './edit-user-input.js';
import { checkEdit, usernameTakenMeanwhile, writeEdit, type EditSession, type EditUserResult } from './edit-user.js';
import { USER_GONE_FIND_AGAIN } from '../refusals.js';

/**
 * Users whose edits share one transaction, and between whose transactions Edit many yields to the
 * event loop. One batch's synchronous work stays well under ~50 ms (about 0.1 ms a user when adding
 * a product), so other people's requests wait little; one COMMIT per batch instead of per user is
 * most of the speed.
 */
export const EDIT_MANY_BATCH = 100;

/**
 * Edits a batch of users (at most 500, normally EDIT_MANY_BATCH) in one transaction: their users,
 * roles and licenses are read with a few queries, then each user's edit is checked and written as
 * its own step (a savepoint), so a refused user (no seat left, a rule) is rolled back alone and the
 * others stand; the kept users' audit records are written together before the COMMIT. A user is
 * changed completely (with their audit record) or not at all. With `dryRun` every step runs and is
 * undone (each user judged on their own, as stored), and the transaction is rolled back.
 * Returns each user's outcome by id.
 */
export async function editBatch(
  ctx: CoreContext,
  checkedSession: EditSession,
  userIds: readonly string[],
  input: ParsedEditUserInput,
  options: { dryRun: boolean },
): Promise<Map<string, Result<EditUserResult>>> {
  const now = ctx.now();
  const outcomes = await changeDirectory(
    ctx,
    checkedSession.auth.tenant,
    (tx, directory) => editBatchIn(tx, { ...checkedSession, directory }, userIds, input, { dryRun: options.dryRun, now }),
    { dryRun: options.dryRun },
  );
  if (!outcomes.ok) throw new Error(`an Edit many batch failed: ${outcomes.message}`);
  return outcomes.value;
}

/** The work of `editBatch` inside the caller's transaction (a job's step runs it so). */
export async function editBatchIn(
  tx: Db,
  checkedSession: EditSession,
  userIds: readonly string[],
  input: ParsedEditUserInput,
  options: { dryRun: boolean; now: Date },
): Promise<Map<string, Result<EditUserResult>>> {
  const { now } = options;
  const tenantId = checkedSession.auth.tenant.id;
  // The actor as stored now: every user of the batch is judged with the roles they hold at this moment.
  const session = { ...checkedSession, auth: await reauthorize(tx, checkedSession.auth, null) };
  const users = await activeUserRecordsByIds(tx, tenantId, userIds);
  const roles = await rolesOfUsers(tx, userIds);
  const licenses = await licensesOfUsers(tx, userIds);
  const states = input.licenses || input.addLicenses || input.removeLicenses ? await licenseStatesOf(tx, userIds) : null;
  const byId = new Map(users.map((user) => [user.id, user]));
  const outcomes = new Map<string, Result<EditUserResult>>();
  const audits: AuditEntry[] = [];
  for (const id of userIds) {
    const user = byId.get(id);
    if (!user) {
      outcomes.set(id, fail('not_found', USER_GONE_FIND_AGAIN));
      continue;
    }
    const subject = { user, roles: roles.get(id) ?? [], licenses: licenses.get(id) ?? [], ...(states ? { licenseState: states.get(id) ?? null } : {}) };
    const checked = await checkEdit(tx, session, subject, input, options.dryRun);
    if (!checked.ok) {
      outcomes.set(id, checked);
      continue;
    }
    if (checked.plan.changedFields.length === 0) {
      outcomes.set(id, ok(checked.result));
      continue;
    }
    try {
      const written = await step(tx, () => writeEdit(tx, session, subject, checked, { auditAction: 'users.bulk_update', now }), { rehearse: options.dryRun });
      if (!written.ok) outcomes.set(id, written);
      else {
        outcomes.set(id, ok(written.value.result));
        audits.push(written.value.audit);
      }
    } catch (error) {
      const taken = usernameTakenMeanwhile(error, checked.result);
      if (!taken) throw error;
      outcomes.set(id, taken);
    }
  }
  // Each kept user's audit record, in the transaction that keeps their change (a dry run rolls both back).
  await writeAudit(tx, audits, now);
  return outcomes;
}
