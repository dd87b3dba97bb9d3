import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import type { Db } from '../../store/database.js';
import { changeDirectory, type DirectoryWork } from '../directory/change-directory.js';
import type { Product } from '../catalogue/catalogue.js';
import { fail, invalidFields, ok, type Outcome, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { licensePools, licensesOf } from '../../store/seat-ledger.js';
import { activeUsernameById } from '../../store/user-lifecycle.js';
import { changeUserLicenses, LicenseChangeRefused } from './change-user-licenses.js';
import { productOfOrganization } from './product-target.js';

/** Most users one assign or unassign request may name (the form allows 20; the CLI more). */
/** Users picked at once on the Licenses page, as the admin center's panel allows. */
export const MAX_PICKED_USERS = 20;
/** Users named at once when the caller says it lists many (the command line). */
export const MAX_USERS_PER_CHANGE = 1000;

export interface ProductChangeInput {
  product: string;
  /** Directory user ids (the form's picker) or usernames (the CLI). */
  users: { ids: readonly string[] } | { usernames: readonly string[] };
  /** Apps of the product to turn off (assign only). */
  disabledPlans?: readonly string[];
  dryRun?: boolean;
  /** A list of many (the command line): up to MAX_USERS_PER_CHANGE instead of the page's MAX_PICKED_USERS. */
  many?: boolean;
}

export interface ProductChangeResult {
  product: Product;
  done: { userId: string; userPrincipalName: string }[];
  /** Each user not changed, with every problem and how to fix it. */
  notDone: { name: string; problems: string[] }[];
  dryRun: boolean;
}

/** A checked product change: who acts, the product, the users it names (ids or usernames) and the options. */
export interface ProductChangePlan {
  auth: Authorized;
  product: Product;
  direction: 'assign' | 'unassign';
  /** Ids when `byId`, else usernames; duplicates removed. */
  names: string[];
  byId: boolean;
  disabledPlans: string[];
}

/** One user's outcome: done, or not with every problem and how to fix it. */
export type ProductChangeOutcome = { done: { userId: string; userPrincipalName: string } } | { notDone: { name: string; problems: string[] } };

/** Checks a product change before anything is written: the permission, the product, the users named. */
export async function planProductChange(
  ctx: CoreContext,
  actor: Actor,
  input: ProductChangeInput,
  direction: 'assign' | 'unassign',
): Promise<Result<{ plan: ProductChangePlan }>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  const found = await productOfOrganization(ctx.db, auth, input.product, { forAssignment: true });
  if (!found.ok) return found;
  const { product } = found;
  const names = 'ids' in input.users ? input.users.ids : input.users.usernames;
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return invalidFields([{ field: 'users', message: 'Pick at least one user.' }]);
  const most = input.many ? MAX_USERS_PER_CHANGE : MAX_PICKED_USERS;
  if (wanted.length > most)
    return fail('limit_exceeded', `At most ${most} users at once; ${wanted.length} were named.`, [
      { field: 'users', message: `At most ${most} users at once.` },
    ]);
  return ok({
    plan: { auth, product, direction, names: wanted, byId: 'ids' in input.users, disabledPlans: [...(input.disabledPlans ?? [])] },
  });
}

/**
 * Gives a product to, or takes it from, many users here and now (the CLI's dry run, tests; a real
 * run from Slack or the CLI is a job: product-change-job.ts): each user in its own transaction
 * through `changeUserLicenses` (rules, seats through the ledger, mailbox), so one refusal holds up
 * nobody else.
 */
export async function changeProductForUsers(
  ctx: CoreContext,
  actor: Actor,
  input: ProductChangeInput,
  direction: 'assign' | 'unassign',
): Promise<Result<ProductChangeResult>> {
  const planned = await planProductChange(ctx, actor, input, direction);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const dryRun = input.dryRun ?? false;
  const outcomes: ProductChangeOutcome[] = [];
  for (const name of plan.names)
    outcomes.push(await changeProductForUser(ctx.db, plan, name, ctx.now(), (work) => changeDirectory(ctx, plan.auth.tenant, work, { dryRun })));
  if (outcomes.some((o) => 'done' in o) && !dryRun) reportChange(ctx, plan.auth.tenant, 'licenses', actor);
  return ok(productChangeResult(plan.product, outcomes, dryRun));
}

/** The result of a product change from its users' outcomes. */
export function productChangeResult(product: Product, outcomes: readonly ProductChangeOutcome[], dryRun: boolean): ProductChangeResult {
  return {
    product,
    done: outcomes.flatMap((o) => ('done' in o ? [o.done] : [])),
    notDone: outcomes.flatMap((o) => ('notDone' in o ? [o.notDone] : [])),
    dryRun,
  };
}

/**
 * One user of a product change: the user is read from `db`, the change made in the transaction
 * `inTransaction` gives (a transaction or a dry run's rehearsal; in a job, a savepoint of the
 * job's step, `db` being that step's transaction), decided again there with the actor's roles as
 * stored now.
 */
export async function changeProductForUser(
  db: Db,
  plan: ProductChangePlan,
  name: string,
  now: Date,
  inTransaction: <T>(work: DirectoryWork<T>) => Promise<Outcome<T>>,
): Promise<ProductChangeOutcome> {
  const { auth, product, direction } = plan;
  const username = plan.byId ? await activeUsernameById(db, auth.tenant.id, name) : name;
  const user = username ? await activeUserByUpn(db, auth.tenant.id, username) : null;
  if (!user) return { notDone: { name: username ?? name, problems: ['No such user (deleted a moment ago?). Check the username.'] } };
  try {
    const changed = await inTransaction(async (tx, directory) => {
      const current = await reauthorize(tx, auth, 'assign_licenses');
      const options = {
        directory,
        ownedSkuIds: (await licensePools(tx, auth.tenant.id)).map((p) => p.skuId),
        mayLicenseGuests: hasPermission(current.roles, 'license_guests'),
        now,
      };
      // A user who holds the product already keeps the apps they had turned off: the apps chosen here
      // are turned off too, none is turned back on.
      const held = direction === 'assign' ? (await licensesOf(tx, user.id)).find((license) => license.skuId === product.skuId) : undefined;
      const disabledPlans = held ? [...new Set([...held.disabledPlans, ...plan.disabledPlans])] : plan.disabledPlans;
      const result = await changeUserLicenses(
        tx,
        user.id,
        direction === 'assign' ? { add: [{ skuId: product.skuId, disabledPlans }] } : { remove: [product.skuId] },
        options,
      );
      const changedAnything = result.added.length + result.removed.length + result.appsChanged.length > 0;
      if (changedAnything) {
        const verb = result.added.length ? 'Assigned' : result.removed.length ? 'Unassigned' : 'Changed the apps of';
        await writeAudit(
          tx,
          {
            tenantId: auth.tenant.id,
            actor: auth.actorId,
            action: 'user.licenses',
            targetType: 'user',
            targetUserId: user.id,
            changedFields: ['licenses', ...(result.mailbox !== 'none' ? ['mailbox'] : [])],
            summary: `${verb} ${product.displayName} ${direction === 'assign' ? 'to' : 'from'} ${user.userPrincipalName}`,
          },
          now,
        );
      }
      return changedAnything || direction === 'assign';
    });
    if (!changed.ok) return { notDone: { name: user.userPrincipalName, problems: [changed.message] } };
    if (changed.value) return { done: { userId: user.id, userPrincipalName: user.userPrincipalName } };
    return { notDone: { name: user.userPrincipalName, problems: [`${user.userPrincipalName} doesn't have ${product.displayName}; nothing to unassign.`] } };
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    return { notDone: { name: user.userPrincipalName, problems: error.problems.map((p) => p.message) } };
  }
}
