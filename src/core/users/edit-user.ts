import { reportChange, type Actor, type CoreContext } from '../context.js';
import { identify, mayChangeDirectory } from '../access/authorize.js';
import { changeUserLicenses, LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type FieldError, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { writeAudit, type AuditEntry } from '../../store/audit.js';
import { usableDomains } from '../../store/organizations.js';
import type { Db } from '../../store/database.js';
import type { LicenseState } from '../../store/directory-users.js';
import { licensePools, licensesOf, type LicenseRecord } from '../../store/seat-ledger.js';
import { accessStateOf } from '../../store/directory-users.js';
import { keepSignInGlobalAdmin, reauthorize } from '../access/act-on-user.js';
import { UniqueViolation } from '../../store/errors.js';
import { editUserInputSchema, type EditUserInput, type ParsedEditUserInput } from './edit-user-input.js';
import { ON_PREMISES_PARTS, PART_FIELD, PART_PERMISSION, planUserEdit, type EditPart, type EditPlan } from './edit-user-plan.js';
import { changeDirectory } from '../directory/change-directory.js';
import { isSynced, loadTarget, needsRole, targetRefusal, type Target, type TargetRef } from './edit-user-target.js';
import { usernameUnavailableReason } from './username-availability.js';
import { managerLoopProblem, resolveManager, type ManagerRef } from './manager-rules.js';
import type { Authorized } from '../access/authorize.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { LAST_SIGN_IN_GLOBAL_ADMIN, OWN_SIGN_IN, rolesYouHave, SYNCED_USER } from '../refusals.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';
import { roleLabels } from '../roles.js';

export type EditAuditAction = 'user.update' | 'users.bulk_update';

export interface EditUserResult {
  userId: string;
  userPrincipalName: string;
  /** Names of the fields written (empty when nothing differed). */
  changedFields: string[];
  dryRun: boolean;
  /** The connected Microsoft 365 tenant the edit is sent to (its name), which may still refuse it; null on Roster's own directory. */
  tenantName: string | null;
}

/** Parts that change who may sign in as whom: the target rules (mayActOnTarget) apply to them. */
const TARGET_RULED: readonly EditPart[] = ['details', 'signIn', 'roles', 'alternateEmail', 'username', 'manager'];

/** What every edit of a run shares: who acts, and the organization's domains and products (read once). */
export interface EditSession {
  auth: Authorized;
  /** The user directory the edit is made in. */
  directory: DirectoryProvider;
  domains: string[];
  ownedSkuIds: string[];
}

export async function openEditSession(ctx: CoreContext, actor: Actor): Promise<({ ok: true } & EditSession) | CoreError> {
  const auth = await identify(ctx, actor);
  if (!auth.ok) return auth;
  const [domains, pools] = await Promise.all([usableDomains(ctx.db, auth.tenant.id), licensePools(ctx.db, auth.tenant.id)]);
  return { ok: true, auth, domains, ownedSkuIds: pools.map((p) => p.skuId), directory: ctx.directory };
}

/**
 * Edits one user (docs/domain.md "Edit a user"): details, settings (sign-in, roles, alternate
 * email), usage location, licenses and username. Only what differs from the stored user is written
 * and audited; each part needs its own permission, and each problem is reported on its field.
 */
export async function editUser(
  ctx: CoreContext,
  actor: Actor,
  ref: TargetRef,
  rawInput: EditUserInput,
  options: { dryRun?: boolean; approval?: ApprovalGrant } = {},
): Promise<Result<EditUserResult>> {
  const session = await openEditSession(ctx, actor);
  if (!session.ok) return session;
  const result = await editInSession(ctx, session, ref, rawInput, options);
  if (result.ok && result.changedFields.length > 0 && !options.dryRun)
    reportChange(ctx, session.auth.tenant, result.changedFields.includes('licenses') ? 'licenses' : 'users', actor);
  return result;
}

/** One user as an edit finds them: stored user, roles and licenses (and, when read with a batch, what a license change needs). */
export interface EditSubject extends Target {
  licenses: LicenseRecord[];
  /** Read with the batch (Edit many); when absent the license change reads it itself. */
  licenseState?: LicenseState | null;
}

/** An edit checked against its user: what to write, and the answer once written. */
export interface CheckedEdit {
  plan: EditPlan;
  result: EditUserResult;
}

/** One user's edit within a session, in its own transaction (so a run of many never half-changes a user). */
export async function editInSession(
  ctx: CoreContext,
  session: EditSession,
  ref: TargetRef,
  rawInput: EditUserInput,
  options: { dryRun?: boolean; auditAction?: EditAuditAction; approval?: ApprovalGrant } = {},
): Promise<Result<EditUserResult>> {
  const shape = editUserInputSchema.safeParse(rawInput);
  if (!shape.success) return fail('invalid_input', `The edit is incomplete: ${shape.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const target = await loadTarget(ctx, session.auth, ref);
  if (!target.ok) return target;
  const subject: EditSubject = { user: target.user, roles: target.roles, licenses: await licensesOf(ctx.db, target.user.id) };
  const checked = await checkEdit(ctx.db, session, subject, shape.data, !!options.dryRun);
  if (!checked.ok) return checked;
  if (checked.plan.changedFields.length === 0) return ok(checked.result);
  const gained = (checked.plan.roles ?? []).filter((role) => !target.roles.includes(role));
  if (gained.length > 0) {
    const name = target.user.userPrincipalName;
    const held = await holdForApproval(
      ctx,
      session.auth,
      {
        kind: 'role_grant',
        input: { userId: target.user.id, edit: shape.data, rolesBefore: target.roles },
        summary: {
          title: `make ${name} ${roleLabels(gained)}`,
          lines: [
            `Give ${name} (${target.user.displayName}) the admin role${gained.length === 1 ? '' : 's'}: ${roleLabels(gained)}`,
            ...(checked.plan.roles && checked.plan.roles.length < target.roles.length + gained.length
              ? [`Roles afterwards: ${checked.plan.roles.length ? roleLabels(checked.plan.roles) : 'none'}`]
              : []),
            ...(checked.plan.changedFields.filter((f) => f !== 'roles').length
              ? [`Also changes: ${checked.plan.changedFields.filter((f) => f !== 'roles').join(', ')}`]
              : []),
          ],
          userIds: [target.user.id],
        },
      },
      options,
    );
    if (held) return held;
  }
  let done;
  try {
    const now = ctx.now();
    done = await changeDirectory(
      ctx,
      session.auth.tenant,
      async (tx, directory) => {
        const fresh = await reconfirm(tx, { ...session, directory }, subject, checked.plan);
        const { result, audit } = await writeEdit(tx, fresh.session, fresh.subject, checked, { auditAction: options.auditAction, now });
        await writeAudit(tx, audit, now);
        return result;
      },
      { dryRun: !!options.dryRun },
    );
  } catch (error) {
    const taken = usernameTakenMeanwhile(error, checked.result);
    if (taken) return taken;
    throw error;
  }
  if (!done.ok) return done;
  return ok(done.value);
}

/**
 * Checks one user's edit against them as stored, without writing: what changes, and every problem
 * (permissions, target rules, content rules, a username taken) on its field.
 */
export async function checkEdit(db: Db, session: EditSession, subject: EditSubject, input: ParsedEditUserInput, dryRun: boolean): Promise<Result<CheckedEdit>> {
  const { auth, domains, ownedSkuIds } = session;
  const plan = planUserEdit(input, subject, { domains, ownedSkuIds });
  if (input.manager !== undefined) await planManager(db, auth.tenant.id, subject, input.manager, plan);
  const fields = [...refusals(auth, subject, plan), ...plan.fields];
  if (plan.username && fields.length === 0 && plan.username.userPrincipalName.toLowerCase() !== subject.user.userPrincipalName.toLowerCase()) {
    const reason = await usernameUnavailableReason(db, auth.tenant, plan.username);
    // The alias rule names the first account with the alias: when that is this very user (moving
    // them to another domain), nobody else holds the alias.
    if (reason && !reason.includes(subject.user.userPrincipalName)) fields.push({ field: 'alias', message: reason });
  }
  if (fields.length > 0) return invalidFields(dedupe(fields));
  const result: EditUserResult = {
    userId: subject.user.id,
    userPrincipalName: plan.username?.userPrincipalName ?? subject.user.userPrincipalName,
    changedFields: plan.changedFields,
    dryRun,
    tenantName: auth.tenant.directory === 'embedded' ? null : auth.tenant.name,
  };
  return ok({ plan, result });
}

/**
 * Writes a checked edit inside the caller's transaction and returns its audit record, which the
 * caller writes in the same transaction (Edit many writes a batch's records in one statement).
 * Throws a CoreFailure (roll back) when a rule refuses it there: the last Global admin, the
 * licenses (a seat gone, a rule), so the user is never half-changed.
 */
export async function writeEdit(
  tx: Db,
  session: EditSession,
  subject: EditSubject,
  { plan, result }: CheckedEdit,
  options: { auditAction?: EditAuditAction; now: Date },
): Promise<{ result: EditUserResult; audit: AuditEntry }> {
  const { auth, ownedSkuIds } = session;
  const { tenant } = auth;
  const { user } = subject;
  const now = options.now;
  const { directory } = session;
  // Decided again under the organization's lock: another edit may have made a loop meanwhile.
  if (plan.changes.managerId) await reconfirmManager(tx, tenant.id, { id: user.id, userPrincipalName: result.userPrincipalName }, plan.changes.managerId);
  if (Object.keys(plan.changes).length > 0) await directory.updateUser(tx, user.id, plan.changes, now);
  if (plan.roles) await directory.setRoles(tx, user.id, plan.roles, now);
  if (plan.parts.has('signIn') || plan.parts.has('roles')) {
    await keepSignInGlobalAdmin(
      tx,
      tenant.id,
      { roles: subject.roles, accountEnabled: user.accountEnabled },
      () => new CoreFailure(invalidFields([{ field: plan.parts.has('signIn') ? 'signIn' : 'roles', message: LAST_SIGN_IN_GLOBAL_ADMIN }])),
    );
  }
  if (plan.licenses) {
    // What was read with the batch, with this edit's own changes to it (written just above).
    const state = subject.licenseState;
    const known =
      state === undefined
        ? undefined
        : {
            user: state && {
              ...state,
              userPrincipalName: result.userPrincipalName,
              usageLocation: plan.changes.usageLocation !== undefined ? plan.changes.usageLocation : state.usageLocation,
            },
            licenses: subject.licenses,
          };
    try {
      await changeUserLicenses(tx, user.id, plan.licenses, {
        directory,
        ownedSkuIds,
        mayLicenseGuests: hasPermission(auth.roles, 'license_guests'),
        now,
        known,
      });
    } catch (error) {
      if (error instanceof LicenseChangeRefused) throw new CoreFailure(invalidFields(error.problems.map((p) => ({ field: 'licenses', message: p.message }))));
      throw error;
    }
  }
  const audit: AuditEntry = {
    tenantId: tenant.id,
    actor: auth.actorId,
    action: options.auditAction ?? 'user.update',
    targetType: 'user',
    targetUserId: user.id,
    changedFields: plan.changedFields,
    summary: `Edited ${result.userPrincipalName}${options.auditAction === 'users.bulk_update' ? ' (with other users)' : ''}: ${plan.changedFields.join(', ')}`,
  };
  return { result, audit };
}

/**
 * Inside the writing transaction, before `writeEdit`: the actor's roles and the user's roles and
 * sign-in as stored now, and the edit's refusals decided again with them (another admin may have
 * changed either since the edit was checked).
 */
async function reconfirm(tx: Db, session: EditSession, subject: EditSubject, plan: EditPlan): Promise<{ session: EditSession; subject: EditSubject }> {
  const auth = await reauthorize(tx, session.auth, null);
  const state = await accessStateOf(tx, subject.user.id);
  if (!state || state.deleted) throw new CoreFailure(fail('not_found', 'That user was deleted a moment ago. Nothing was changed.'));
  const fresh: EditSubject = { ...subject, roles: state.roles, user: { ...subject.user, accountEnabled: state.accountEnabled } };
  const fields = refusals(auth, fresh, plan);
  if (fields.length > 0) throw new CoreFailure(invalidFields(dedupe(fields)));
  return { session: { ...session, auth }, subject: fresh };
}

/** The manager an edit names, resolved among the organization's active users and checked (not themselves, no loop). */
async function planManager(db: Db, tenantId: string, subject: EditSubject, wanted: ManagerRef | null, plan: EditPlan): Promise<void> {
  let managerId: string | null = null;
  if (wanted) {
    const manager = await resolveManager(db, tenantId, wanted);
    if (!manager.ok) {
      plan.fields.push({ field: 'manager', message: manager.message });
      return;
    }
    const loop = await managerLoopProblem(db, tenantId, subject.user, manager);
    if (loop) plan.fields.push({ field: 'manager', message: loop });
    managerId = manager.id;
  }
  if (managerId === subject.user.managerId) return;
  plan.changes.managerId = managerId;
  plan.parts.add('manager');
  plan.changedFields.push('manager');
}

async function reconfirmManager(tx: Db, tenantId: string, user: { id: string; userPrincipalName: string }, managerId: string): Promise<void> {
  const manager = await resolveManager(tx, tenantId, { userId: managerId });
  const problem = manager.ok ? await managerLoopProblem(tx, tenantId, user, manager) : manager.message;
  if (problem) throw new CoreFailure(invalidFields([{ field: 'manager', message: problem }]));
}

/** The answer when the new username was taken between the check and the write (`UniqueViolation` 'username'), or null for any other error. */
export function usernameTakenMeanwhile(error: unknown, result: EditUserResult): CoreError | null {
  if (!(error instanceof UniqueViolation && error.constraint === 'username')) return null;
  return invalidFields([{ field: 'alias', message: `The username ${result.userPrincipalName} was taken a moment ago. Choose another.` }]);
}

/** Why the actor may not make parts of this edit: a missing permission, a target above them, a synced user, their own sign-in. */
function refusals(auth: Authorized, target: Target, plan: EditPlan): FieldError[] {
  const fields: FieldError[] = [];
  const aboveThem = targetRefusal(auth, target);
  for (const part of plan.parts) {
    const field = PART_FIELD[part];
    const permission = PART_PERMISSION[part];
    const elsewhere = mayChangeDirectory(auth, permission);
    if (!hasPermission(auth.roles, permission)) fields.push({ field, message: `${needsRole(permission)} ${youHave(auth)}` });
    else if (!elsewhere.ok) fields.push({ field, message: elsewhere.message });
    else if (isSynced(target) && ON_PREMISES_PARTS.includes(part)) fields.push({ field, message: SYNCED_USER });
    else if (aboveThem && TARGET_RULED.includes(part)) fields.push({ field, message: aboveThem });
  }
  if (plan.parts.has('signIn') && plan.changes.accountEnabled === false && target.user.id === auth.actorUserId) {
    fields.push({ field: 'signIn', message: OWN_SIGN_IN });
  }
  return fields;
}

export function youHave(auth: Authorized): string {
  return rolesYouHave(auth.roles);
}

function dedupe(fields: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return fields.filter((f) => {
    const key = `${f.field}\n${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
