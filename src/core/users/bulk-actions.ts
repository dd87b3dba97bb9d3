import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { changeDirectory } from '../directory/change-directory.js';
import { fail, invalidFields, ok, type Result } from '../result.js';
import { activeUserRecordsByIds } from '../../store/directory-users.js';
import { deletedUserById } from '../../store/user-lifecycle.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import type { Db } from '../../store/database.js';
import { MAX_CREDENTIAL_RECIPIENTS } from './add-user-input.js';
import { findActiveUser, findDeletedUser } from './delete-user-targets.js';
import { USER_GONE, USER_NO_LONGER_DELETED } from '../refusals.js';
import { actOnUser, type Settled } from './bulk-action-steps.js';
import {
  BULK_PERMISSION,
  bulkOptionsSchema,
  MAX_BULK_USERS,
  type BulkAction,
  type BulkActionInput,
  type BulkOptions,
  type BulkOutcome,
  type BulkTarget,
} from './bulk-action-input.js';

/** A checked bulk action: who acts, what, on whom, with which options. */
export interface BulkPlan {
  auth: Authorized;
  action: BulkAction;
  targets: BulkTarget[];
  options: BulkOptions;
}

export interface BulkResult {
  action: BulkAction;
  /** Every user named, in order: done (changed, or already so) or refused with the reason. */
  outcomes: BulkOutcome[];
  dryRun: boolean;
}

/**
 * Checks a bulk action before anything is written: the permission, the options, the cap, and who
 * the names are (an unknown one is reported as refused, not fatal). The rules about each user are
 * decided later, per user, in the transaction that acts on them.
 */
export async function planBulkAction(ctx: CoreContext, actor: Actor, input: BulkActionInput): Promise<Result<{ plan: BulkPlan }>> {
  const auth = await authorize(ctx, actor, BULK_PERMISSION[input.action]);
  if (!auth.ok) return auth;
  const options = bulkOptionsSchema.safeParse(input.options ?? {});
  if (!options.success) return fail('invalid_input', 'The options could not be read: choose them again.');
  if (options.data.credentialRecipients.length > MAX_CREDENTIAL_RECIPIENTS)
    return invalidFields([{ field: 'credentialRecipients', message: `Send the passwords to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` }]);
  const names = 'ids' in input.users ? input.users.ids : input.users.usernames;
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return invalidFields([{ field: 'users', message: 'Name at least one user to act on.' }]);
  if (wanted.length > MAX_BULK_USERS)
    return fail('limit_exceeded', `At most ${MAX_BULK_USERS} users at once; ${wanted.length} were named. Split the list.`, [
      { field: 'users', message: `At most ${MAX_BULK_USERS} users at once.` },
    ]);
  const targets = await resolveTargets(ctx.db, auth, input.action, 'ids' in input.users ? { ids: wanted } : { usernames: wanted });
  return ok({ plan: { auth, action: input.action, targets, options: options.data } });
}

/**
 * What a bulk action would do, without doing it: every user acted on in turn inside one
 * transaction that is then rolled back, so the answer is the real run's (the last Global admin who
 * can sign in among several deleted or blocked included). For the confirmation and `--dry-run`.
 */
export async function previewBulkAction(ctx: CoreContext, actor: Actor, input: BulkActionInput): Promise<Result<BulkResult>> {
  const planned = await planBulkAction(ctx, actor, input);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const now = ctx.now();
  const rehearsed = await changeDirectory(
    ctx,
    plan.auth.tenant,
    async (tx, directory) => {
      const outcomes: Settled[] = [];
      for (const target of plan.targets) outcomes.push(await actOnUser(tx, directory, plan, target, now));
      return outcomes;
    },
    { dryRun: true },
  );
  if (!rehearsed.ok) return rehearsed;
  return ok({ action: plan.action, outcomes: rehearsed.value.map((o) => o.outcome), dryRun: true });
}

/** The users named, in order, once each: active users (deleted ones for a restore). */
async function resolveTargets(
  db: Db,
  auth: Authorized,
  action: BulkAction,
  names: { ids: readonly string[] } | { usernames: readonly string[] },
): Promise<BulkTarget[]> {
  const targets: BulkTarget[] = [];
  const seen = new Set<string>();
  const add = (found: { id: string; userPrincipalName: string } | string, name: string) => {
    if (typeof found === 'string') targets.push({ name, problem: found });
    else if (!seen.has(found.id)) {
      seen.add(found.id);
      targets.push({ id: found.id, userPrincipalName: found.userPrincipalName });
    }
  };
  if (action === 'restore') {
    for (const name of 'ids' in names ? names.ids : names.usernames) {
      const found =
        'ids' in names ? ((await deletedUserById(db, auth.tenant.id, name)) ?? USER_NO_LONGER_DELETED) : await findDeletedUser(db, auth.tenant, name);
      add(found, name);
    }
    return targets;
  }
  if ('ids' in names) {
    const byId = new Map<string, DirectoryUserRecord>();
    for (let i = 0; i < names.ids.length; i += 500)
      for (const user of await activeUserRecordsByIds(db, auth.tenant.id, names.ids.slice(i, i + 500))) byId.set(user.id, user);
    for (const id of names.ids) add(byId.get(id) ?? USER_GONE, id);
    return targets;
  }
  for (const name of names.usernames) add(await findActiveUser(db, auth.tenant, name), name);
  return targets;
}
