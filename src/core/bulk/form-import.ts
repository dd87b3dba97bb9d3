import { createHash } from 'node:crypto';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';
import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import type { JobQueue } from '../../domain/jobs.js';
import { CoreFailure, fail, invalidFields, ok, type FieldError, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { transaction } from '../transaction.js';
import { licenseProblems } from '../users/validate-new-user.js';
import { moveImportJob, savePreviewJob } from '../../store/import-jobs.js';
import { licensePools } from '../../store/seat-ledger.js';
import { assigningLicensesNeeds, buyMoreSeats } from '../refusals.js';
import { FORM_LABELS, formImportRows } from './form-rows.js';
import { queueImportRun } from './import-job.js';
import { importSettingsProblems, storedSettings, USAGE_LOCATION_NEEDED } from './import-settings.js';
import { loadImportTenant } from './import-tenant.js';
import type { FormRow, ImportSettings } from './import-types.js';
import { TenantRowChecks } from './tenant-row-checks.js';

/** The most users the Add several users form takes (docs/domain.md "Add several users in a form"). */
export const MAX_FORM_USERS = 10;

/** The file name an import made in the form goes by (its job, its progress message, its results file). */
export const FORM_IMPORT_NAME = 'new-users-form.csv';

/** A user as typed in the form: every field may be empty (a row left empty is no user). */
export interface FormUserInput {
  firstName?: string;
  lastName?: string;
  /** Empty: the first and last name. */
  displayName?: string;
  /** The part before the @ (the form's domain is added), or a whole username. */
  username?: string;
  /** The user's product (a sku id), or none. */
  skuId?: string | null;
}

export interface FormImportInput {
  users: FormUserInput[];
  /** The domain of usernames typed without one. */
  domain: string;
  usageLocation: string | null;
  signInAllowed: boolean;
  recipients: string[];
}

/** The form's field of a user's value: `user2:username` (the Slack form's block ids are these names). */
export type FormUserField = 'firstName' | 'lastName' | 'displayName' | 'username' | 'license';
export const formField = (n: number, field: FormUserField) => `user${n}:${field}`;

/** The column a problem names → the form's field it is about. */
const FIELD_OF_COLUMN: Record<string, FormUserField> = {
  [FORM_LABELS.userName]: 'username',
  [FORM_LABELS.firstName]: 'firstName',
  [FORM_LABELS.lastName]: 'lastName',
  [FORM_LABELS.displayName]: 'displayName',
};

const blank = (user: FormUserInput) => ![user.firstName, user.lastName, user.displayName, user.username].some((v) => v?.trim());

export interface CheckedFormImport {
  rows: FormRow[];
  settings: ImportSettings;
}

/**
 * Checks the Add several users form as an import is checked (the same row rules, the domain, a
 * username repeated in the form or taken, the alias rule), plus each user's product: the actor may
 * assign it, the organization owns it, and there are seats for every user who is to get it. Each
 * problem names its user's row and field. Writes nothing.
 */
export async function checkFormImport(ctx: CoreContext, actor: Actor, input: FormImportInput): Promise<Result<CheckedFormImport & { auth: Authorized }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const fields: FieldError[] = [];
  if (input.users.length > MAX_FORM_USERS)
    return fail('invalid_input', `The form takes at most ${MAX_FORM_USERS} users; add more with a CSV (\`/users import\`).`);
  const typed = input.users.map((user, i) => ({ user, n: i + 1 })).filter(({ user }) => !blank(user));
  if (typed.length === 0) return invalidFields([{ field: formField(1, 'username'), message: 'Fill in at least one user: a name and a username.' }]);

  const domain = input.domain.trim().toLowerCase();
  const rows: FormRow[] = typed.map(({ user, n }) => {
    const username = user.username?.trim() ?? '';
    const firstName = user.firstName?.trim() || undefined;
    const lastName = user.lastName?.trim() || undefined;
    return {
      rowNumber: n,
      userName: username && !username.includes('@') ? `${username}@${domain}` : username,
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      displayName: user.displayName?.trim() || [firstName, lastName].filter(Boolean).join(' '),
      licenses: user.skuId ? [{ skuId: user.skuId, disabledPlans: [] }] : [],
    };
  });
  const tenant = await loadImportTenant(ctx, auth.tenant);
  const checked = await new TenantRowChecks(ctx.db, tenant, FORM_LABELS).check(formImportRows(rows));
  for (const row of checked)
    for (const problem of row.problems)
      fields.push({ field: formField(row.rowNumber, FIELD_OF_COLUMN[problem.column] ?? 'username'), message: `Row ${row.rowNumber}: ${problem.message}` });

  const owned = await licensePools(ctx.db, auth.tenant.id);
  const mayAssign = hasPermission(auth.roles, 'assign_licenses');
  const wanted = new Map<string, number>();
  for (const row of rows) {
    const [choice] = row.licenses;
    if (!choice) continue;
    const field = formField(row.rowNumber, 'license');
    if (!mayAssign) {
      fields.push({ field, message: assigningLicensesNeeds() });
      continue;
    }
    const problems = licenseProblems(
      row.licenses,
      owned.map((p) => p.skuId),
    );
    if (problems.length > 0) {
      fields.push(...problems.map((p) => ({ field, message: `Row ${row.rowNumber}: ${p.message}` })));
      continue;
    }
    // Seats: the users who get a product beyond those it has left are told so, row by row.
    const count = (wanted.get(choice.skuId) ?? 0) + 1;
    wanted.set(choice.skuId, count);
    const pool = owned.find((p) => p.skuId === choice.skuId);
    const available = pool ? Math.max(0, pool.total - pool.assigned) : 0;
    if (count > available) {
      const name = productBySkuId(choice.skuId)?.displayName ?? choice.skuId;
      fields.push({
        field,
        message: `Row ${row.rowNumber}: not enough ${name} licenses (${available} available). ${buyMoreSeats(auth.tenant.directory)}, or choose No license.`,
      });
    }
  }

  const settings = importSettingsProblems(
    { signInAllowed: input.signInAllowed, usageLocation: input.usageLocation, licenses: [], whenSeatsRunOut: 'licensed_only', recipients: input.recipients },
    owned.map((p) => p.skuId),
  );
  fields.push(...settings.fields);
  if (!settings.settings.usageLocation && !settings.fields.some((f) => f.field === 'usageLocation') && rows.some((r) => r.licenses.length > 0))
    fields.push({ field: 'usageLocation', message: USAGE_LOCATION_NEEDED });
  if (fields.length > 0) return invalidFields(fields);
  return ok({ rows, settings: { ...settings.settings, formRows: rows }, auth });
}

/**
 * The Add several users form, once checked: one small import of its users, started at once (its
 * job and its run are written together). `key` names the form's submission, so the same submission
 * delivered twice makes one import. The run and its results DM are an import's.
 */
export async function startFormImport(
  ctx: CoreContext,
  actor: Actor,
  input: FormImportInput,
  options: { key: string; queue?: JobQueue; approval?: ApprovalGrant },
): Promise<Result<{ jobId: string; runId: string; users: number }>> {
  const checked = await checkFormImport(ctx, actor, input);
  if (!checked.ok) return checked;
  const { rows, settings, auth } = checked;
  const held = await holdForApproval(
    ctx,
    auth,
    {
      kind: 'import',
      input: { form: input },
      count: rows.length,
      summary: {
        title: `add ${rows.length} users from the Add several users form`,
        lines: [
          ...rows.map((row) => `Add ${row.userName}`),
          `Sign-in ${settings.signInAllowed ? 'allowed' : 'blocked'}${settings.usageLocation ? `; usage location ${settings.usageLocation}` : ''}`,
        ],
      },
    },
    options,
  );
  if (held) return held;
  const now = ctx.now();
  const started = await transaction(ctx, async (tx) => {
    const job = await savePreviewJob(
      tx,
      {
        tenantId: auth.tenant.id,
        requestedBy: auth.actorId,
        fileId: `form:${options.key}`,
        fileName: FORM_IMPORT_NAME,
        fileSha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
        layout: 'form',
        channelId: null,
        threadTs: null,
        rowsRead: rows.length,
        rowsReady: rows.length,
        rowsWithProblems: 0,
      },
      now,
    );
    const moved = await moveImportJob(tx, job.id, ['previewed'], 'running', now, {
      settings: storedSettings(settings),
      requestedBy: auth.actorId,
      startedAt: now,
      ownerId: null,
    });
    if (!moved) throw new CoreFailure(fail('conflict', 'These users are already being added (the form was sent twice).'));
    return { jobId: job.id, runId: await queueImportRun(ctx, tx, { id: job.id, tenantId: auth.tenant.id, requestedBy: auth.actorId }, options.queue ?? 'app') };
  });
  if (!started.ok) return started;
  return ok({ ...started.value, users: rows.length });
}
