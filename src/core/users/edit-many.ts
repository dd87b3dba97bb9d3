import { z } from 'zod';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { forbidden } from '../access/authorize.js';
import { csvDocument } from '../bulk/csv-out.js';
import { fail, invalidFields, ok, type FieldError, type Result } from '../result.js';
import { hasPermission, type Permission } from '../roles.js';
import { PROFILE_FIELD_NAMES, profileFieldProblems, type ProfileField, type ProfileValues } from '../rules/profile-fields.js';
import { activeUsersByUpnKeys } from '../../store/directory-users.js';
import { activeUsersByIds } from '../../store/user-edits.js';
import { EDIT_MANY_BATCH, editBatch } from './edit-many-batch.js';
import { editUserInputSchema, type EditUserInput, type ParsedEditUserInput } from './edit-user-input.js';
import { resolveManager } from './manager-rules.js';
import { openEditSession, type EditSession, type EditUserResult } from './edit-user.js';

const licenseChoice = z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) });
const optionalText = z.string().optional();

/**
 * Edit many users at once (docs/domain.md "Edit multiple users"): only the fields given are set,
 * and licenses are kept, replaced by the products chosen, or those products added.
 */
export const editManyInputSchema = z.object({
  userIds: z.array(z.string()).default([]),
  /** Full usernames (pasted, or from a file); each unknown one is reported, not fatal. */
  usernames: z.array(z.string()).default([]),
  detailsPatch: z
    .object(Object.fromEntries(PROFILE_FIELD_NAMES.map((f) => [f, optionalText])) as Record<ProfileField, typeof optionalText>)
    .partial()
    .optional(),
  signInAllowed: z.boolean().optional(),
  usageLocation: z.string().optional(),
  /** One manager for every user (picked, or typed as a username); null removes their managers. */
  manager: z.union([z.null(), z.object({ userId: z.string().min(1) }), z.object({ username: z.string() })]).optional(),
  licenses: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('keep') }),
    z.object({ mode: z.literal('replace'), products: z.array(licenseChoice) }),
    z.object({ mode: z.literal('add'), products: z.array(licenseChoice).min(1) }),
  ]),
});
export type EditManyInput = z.input<typeof editManyInputSchema>;

export interface EditManyRow {
  userPrincipalName: string;
  /** "Done", "No change", or why not (one sentence). */
  outcome: string;
  done: boolean;
}

export interface EditManyResult {
  rows: EditManyRow[];
  counts: { done: number; unchanged: number; notDone: { reason: string; count: number }[] };
  dryRun: boolean;
}

/**
 * The profile rules (`profileFieldProblems`) for the fields an Edit many sets, checked once for the
 * whole edit (the form shows them on their fields before anyone is changed).
 */
export function editManyDetailsProblems(detailsPatch: EditManyInput['detailsPatch']): FieldError[] {
  const values: ProfileValues = {};
  for (const [field, value] of Object.entries(detailsPatch ?? {}) as [ProfileField, string | undefined][]) if (value?.trim()) values[field] = value.trim();
  return profileFieldProblems(values);
}

/** Splits pasted usernames: one per line, or separated by commas, semicolons or spaces. */
export function parseUsernameList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((name) => name.trim().replace(/^mailto:/i, ''))
        .filter(Boolean),
    ),
  ];
}

/** A checked Edit many: who acts, on whom (users found, and names that found nobody, with why), and the edit. */
export interface EditManyPlan {
  session: EditSession;
  targets: EditManyTarget[];
  edit: ParsedEditUserInput;
  /** What the change is about, for the change feed. */
  what: 'users' | 'licenses';
}

export type EditManyTarget = { id: string; userPrincipalName: string } | { name: string; problem: string };

/**
 * Checks an Edit many request before anything is written: the input, that there is something to
 * change, the permissions it needs, and who the usernames are. Fast enough to answer a form.
 */
export async function planEditMany(ctx: CoreContext, actor: Actor, raw: EditManyInput): Promise<Result<{ plan: EditManyPlan }>> {
  const shape = editManyInputSchema.safeParse(raw);
  if (!shape.success) return fail('invalid_input', `The edit is incomplete: ${shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const input = shape.data;
  const session = await openEditSession(ctx, actor);
  if (!session.ok) return session;
  const { auth } = session;
  const detailsProblems = editManyDetailsProblems(input.detailsPatch);
  if (detailsProblems.length > 0) return invalidFields(detailsProblems);
  const details = input.detailsPatch && Object.values(input.detailsPatch).some((v) => v !== undefined && v.trim() !== '') ? input.detailsPatch : undefined;
  const needed: Permission[] = [
    ...(details || input.signInAllowed !== undefined || input.manager !== undefined ? (['edit_users'] as const) : []),
    ...(input.usageLocation ? (['edit_usage_location'] as const) : []),
    ...(input.licenses.mode !== 'keep' ? (['assign_licenses'] as const) : []),
  ];
  if (needed.length === 0)
    return fail('invalid_input', 'Nothing to change: fill in a field, choose a sign-in status, usage location or manager, or change the licenses.');
  const missing = needed.find((permission) => !hasPermission(auth.roles, permission));
  if (missing) return forbidden(ctx, auth, missing);
  // The manager is found once for everyone; whether they may manage each user (not themselves, no loop) is decided per user.
  let manager: EditUserInput['manager'];
  if (input.manager) {
    const found = await resolveManager(ctx.db, auth.tenant.id, input.manager);
    if (!found.ok) return invalidFields([{ field: 'manager', message: found.message }]);
    manager = { userId: found.id };
  } else if (input.manager === null) manager = null;
  const edit: EditUserInput = {
    ...(manager !== undefined ? { manager } : {}),
    ...(details ? { detailsPatch: Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined && v.trim() !== '')) } : {}),
    ...(input.signInAllowed !== undefined ? { settings: { signInAllowed: input.signInAllowed } } : {}),
    ...(input.usageLocation ? { usageLocation: input.usageLocation } : {}),
    ...(input.licenses.mode === 'replace' ? { licenses: input.licenses.products } : {}),
    ...(input.licenses.mode === 'add' ? { addLicenses: input.licenses.products } : {}),
  };
  const parsed = editUserInputSchema.safeParse(edit);
  if (!parsed.success) return fail('invalid_input', `The edit is incomplete: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const targets = await resolveTargets(ctx, auth.tenant.id, input.userIds, input.usernames);
  await yieldToEventLoop();
  return ok({ plan: { session, targets, edit: parsed.data, what: input.licenses.mode === 'keep' ? 'users' : 'licenses' } });
}

/**
 * Applies one edit to many users, here and now (the CLI's dry run, tests; in the app and the CLI
 * a real run is a job: edit-many-job.ts): a user is changed completely or not at all (seats are
 * taken per user; when they run out, the rest are reported, unchanged). Users go in batches of
 * EDIT_MANY_BATCH, one transaction each with a savepoint per user (`edit-many-batch.ts`), yielding
 * to the event loop between batches.
 */
export async function editManyUsers(
  ctx: CoreContext,
  actor: Actor,
  raw: EditManyInput,
  options: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<Result<EditManyResult>> {
  const planned = await planEditMany(ctx, actor, raw);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const rows: EditManyRow[] = [];
  let changedAny = false;
  await editManyBatches(ctx, plan, 0, async (start, ids) => {
    const outcomes =
      ids.length > 0 ? await editBatch(ctx, plan.session, ids, plan.edit, { dryRun: !!options.dryRun }) : new Map<string, Result<EditUserResult>>();
    const batchRows = outcomeRows(plan.targets.slice(start, start + EDIT_MANY_BATCH), outcomes);
    changedAny ||= batchRows.some((row) => row.outcome === 'Done');
    rows.push(...batchRows);
    if (start + EDIT_MANY_BATCH < plan.targets.length) options.onProgress?.(start + EDIT_MANY_BATCH, plan.targets.length);
  });
  if (changedAny && !options.dryRun) reportChange(ctx, plan.session.auth.tenant, plan.what, actor);
  return ok({ rows, counts: countOutcomes(rows), dryRun: !!options.dryRun });
}

/**
 * The one loop over an Edit many's users, from the batch at `from`: each batch's found users are
 * edited by `batch` (a transaction here, a job's step in a job), then the event loop is yielded and
 * the database allowed to catch up. Returns false when `stop` asked it to stop between batches.
 */
export async function editManyBatches(
  ctx: CoreContext,
  plan: EditManyPlan,
  from: number,
  batch: (start: number, ids: string[]) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<boolean> {
  for (let start = from; start < plan.targets.length; start += EDIT_MANY_BATCH) {
    if (stop()) return false;
    const ids = plan.targets.slice(start, start + EDIT_MANY_BATCH).flatMap((target) => ('id' in target ? [target.id] : []));
    await batch(start, ids);
    if (start + EDIT_MANY_BATCH < plan.targets.length) {
      await yieldToEventLoop();
      await ctx.settleWrites?.();
    }
  }
  return true;
}

/** Each target's row of the results: a name that found nobody, or the user's outcome. */
export function outcomeRows(targets: readonly EditManyTarget[], outcomes: ReadonlyMap<string, Result<EditUserResult>>): EditManyRow[] {
  return targets.map((target) => {
    if ('problem' in target) return { userPrincipalName: target.name, outcome: target.problem, done: false };
    const result = outcomes.get(target.id);
    if (!result) return { userPrincipalName: target.userPrincipalName, outcome: 'Not edited.', done: false };
    if (result.ok) return { userPrincipalName: target.userPrincipalName, outcome: result.changedFields.length > 0 ? 'Done' : 'No change', done: true };
    return {
      userPrincipalName: target.userPrincipalName,
      outcome: (result.fields?.map((f) => f.message).join(' ') || result.message).slice(0, 500),
      done: false,
    };
  });
}

/** Lets other people's requests run (the work between two calls stays short). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function resolveTargets(ctx: CoreContext, tenantId: string, userIds: readonly string[], usernames: readonly string[]): Promise<EditManyTarget[]> {
  const targets: EditManyTarget[] = [];
  const seen = new Set<string>();
  const byId = new Map((await activeUsersByIds(ctx.db, tenantId, [...new Set(userIds)])).map((u) => [u.id, u]));
  for (const id of new Set(userIds)) {
    const user = byId.get(id);
    if (user) {
      targets.push(user);
      seen.add(user.id);
    } else targets.push({ name: id, problem: 'No such user (deleted a moment ago?).' });
  }
  const keys = [...new Set(usernames.map((name) => name.toLowerCase()))];
  const found = new Map<string, string>();
  for (let start = 0; start < keys.length; start += 500) {
    for (const row of await activeUsersByUpnKeys(ctx.db, tenantId, keys.slice(start, start + 500))) found.set(row.upnKey, row.id);
    await yieldToEventLoop();
  }
  for (const name of usernames) {
    const id = found.get(name.toLowerCase());
    if (!id) targets.push({ name, problem: name.includes('@') ? 'No user with this username.' : 'Give the full username (name@domain).' });
    else if (!seen.has(id)) {
      seen.add(id);
      targets.push({ id, userPrincipalName: name });
    }
  }
  return targets;
}

export function countOutcomes(rows: readonly EditManyRow[]): EditManyResult['counts'] {
  const reasons = new Map<string, number>();
  let done = 0;
  let unchanged = 0;
  for (const row of rows) {
    if (row.outcome === 'Done') done++;
    else if (row.outcome === 'No change') unchanged++;
    else reasons.set(row.outcome, (reasons.get(row.outcome) ?? 0) + 1);
  }
  return { done, unchanged, notDone: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count) };
}

/** Every user and their outcome, as a formula-safe CSV (UTF-8 with BOM). */
export function editManyResultsCsv(result: EditManyResult): Promise<Buffer> {
  return csvDocument(
    ['Username', 'Outcome'],
    result.rows.map((row) => [row.userPrincipalName, row.outcome]),
  );
}
