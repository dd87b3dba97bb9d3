import type { CoreContext, OperatorActor } from '../core/context.js';
import { assignProduct } from '../core/licenses/assign-product.js';
import { buyLicenses } from '../core/licenses/buy-licenses.js';
import { changeQuantity } from '../core/licenses/change-quantity.js';
import type { ProductChangeResult } from '../core/licenses/product-change.js';
import { productUsers } from '../core/licenses/product-users.js';
import { recordSelfService, takeOverSubscription } from '../core/licenses/take-over-subscription.js';
import { unassignProduct } from '../core/licenses/unassign-product.js';
import type { CoreError } from '../core/result.js';
import { deleteUsers } from '../core/users/delete-users.js';
import { inviteGuest } from '../core/users/invite-guest.js';
import { sweepExpired } from '../core/users/purge-deleted.js';
import { listDeletedUsers, restoreUser } from '../core/users/restore-user.js';
import type { Print } from './import-command.js';

export const LIFECYCLE_USAGE = `  users delete <username>... --workspace <T>           delete users (kept 30 days, licenses freed and remembered)
  users deleted --workspace <T>                        list deleted users with the days left
  users restore <username> --workspace <T> [--alias <new alias>]
                                                       restore with a new temporary password (printed once), licenses given back where seats allow
  users invite <email> --workspace <T> [--name "<display name>"]   add a guest
  licenses assign <product> <username>... --workspace <T> [--apps-off <plan id,...>]
  licenses unassign <product> <username>... --workspace <T>
  licenses users <product> --workspace <T>             who holds a product (first 50 and the count)
  licenses buy <product> <quantity> --workspace <T>    buy seats (a new subscription; Global or Billing admin)
  licenses set <product> <quantity> --workspace <T>    change a product's seats (never below what is assigned)
  licenses record-self-service <product> <quantity> --workspace <T>   record a member's self-service purchase
  licenses takeover <product> --workspace <T>          take over a self-service subscription (its seats become assignable)
  purge                                                remove users deleted 30+ days ago, end expired mailbox graces (the app does this every 10 minutes)
  --dry-run with any of these that change something: do everything, then roll back and print what would happen`;

export interface LifecycleOptions {
  dryRun: boolean;
  alias?: string;
  name?: string;
  appsOff?: string;
}

const failed = (print: Print, error: CoreError) => {
  print(`error: ${error.message}${error.fields?.length ? ` (${error.fields.map((f) => `${f.field}: ${f.message}`).join('; ')})` : ''}`);
  return 1;
};

function printChange(print: Print, result: ProductChangeResult, verb: string): number {
  print(`${result.dryRun ? '(dry run) ' : ''}${verb} ${result.product.displayName}: ${result.done.length} done, ${result.notDone.length} not done.`);
  for (const d of result.done) print(`  done      ${d.userPrincipalName}`);
  for (const n of result.notDone) print(`  not done  ${n.name}: ${n.problems.join(' ')}`);
  return result.notDone.length > 0 ? 1 : 0;
}

/** `users …`, `licenses …` and `purge`; returns the exit code, or null when `words` is none of these. */
export async function lifecycleCommand(
  ctx: CoreContext,
  actor: OperatorActor,
  words: readonly string[],
  options: LifecycleOptions,
  print: Print,
): Promise<number | null> {
  const [group, sub = '', ...args] = words;
  const dryRun = options.dryRun;
  const prefix = dryRun ? '(dry run) ' : '';
  if (group === 'purge') {
    const done = await sweepExpired(ctx, { actor: `cli:${actor.operator}`, dryRun });
    print(
      `${prefix}Removed for good: ${done.purged.length}${done.purged.length ? ` (${done.purged.join(', ')})` : ''}. Mailboxes ended: ${done.mailboxesRemoved.length}.`,
    );
    return 0;
  }
  if (group === 'users') {
    if (sub === 'delete') {
      const result = await deleteUsers(ctx, actor, { usernames: args }, { dryRun });
      if (!result.ok) return failed(print, result);
      for (const u of result.deleted) print(`${prefix}deleted      ${u.userPrincipalName}${u.licenses.length ? ` (freed ${u.licenses.join(', ')})` : ''}`);
      for (const n of result.notDeleted) print(`not deleted  ${n.name}: ${n.reason}`);
      return result.notDeleted.length > 0 ? 1 : 0;
    }
    if (sub === 'deleted') {
      const result = await listDeletedUsers(ctx, actor, 200);
      if (!result.ok) return failed(print, result);
      for (const u of result.users) print(`${u.userPrincipalName}  ${u.daysLeft} days left`);
      print(`${result.count} deleted user${result.count === 1 ? '' : 's'}.`);
      return 0;
    }
    if (sub === 'restore') {
      const result = await restoreUser(ctx, actor, { user: args.join(' '), ...(options.alias ? { alias: options.alias } : {}), dryRun });
      if (!result.ok) return failed(print, result);
      print(
        `${prefix}Restored ${result.notice.userPrincipalName}${dryRun ? '' : `; temporary password (shown once, must be changed at next sign-in): ${result.notice.temporaryPassword}`}`,
      );
      if (result.licensesGiven.length) print(`Licenses given back: ${result.licensesGiven.join(', ')}`);
      for (const l of result.licensesNotGiven) print(`Not given back: ${l.product}: ${l.reason}`);
      if (result.slackLinkDropped) print('Their Slack account is now linked to another user, so the restored user has none.');
      return 0;
    }
    if (sub === 'invite') {
      const result = await inviteGuest(ctx, actor, { email: args[0] ?? '', ...(options.name ? { displayName: options.name } : {}), dryRun });
      if (!result.ok) return failed(print, result);
      print(`${prefix}Invited guest ${result.displayName} as ${result.userPrincipalName}.`);
      return 0;
    }
    return null;
  }
  if (group === 'licenses') {
    const [product = '', ...rest] = args;
    if (sub === 'assign' || sub === 'unassign') {
      const input = { product, users: { usernames: rest }, dryRun };
      const result =
        sub === 'assign'
          ? await assignProduct(ctx, actor, {
              ...input,
              disabledPlans: (options.appsOff ?? '')
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            })
          : await unassignProduct(ctx, actor, input);
      return result.ok ? printChange(print, result, sub === 'assign' ? 'Assigned' : 'Unassigned') : failed(print, result);
    }
    if (sub === 'users') {
      const result = await productUsers(ctx, actor, product);
      if (!result.ok) return failed(print, result);
      for (const u of result.users) print(`${u.userPrincipalName}  ${u.displayName}`);
      print(`${result.count} user${result.count === 1 ? '' : 's'} with ${result.product.displayName}.`);
      return 0;
    }
    const quantity = Number(rest[0] ?? 'NaN');
    if (sub === 'buy') {
      const result = await buyLicenses(ctx, actor, { product, quantity, dryRun });
      if (!result.ok) return failed(print, result);
      print(`${prefix}Bought ${result.quantity} ${result.product.displayName}: ${result.total} licenses, ${result.available} available.`);
      return 0;
    }
    if (sub === 'set') {
      const result = await changeQuantity(ctx, actor, { product, quantity, dryRun });
      if (!result.ok) return failed(print, result);
      print(`${prefix}${result.product.displayName}: ${result.total} licenses (was ${result.before}); ${result.assigned} assigned.`);
      return 0;
    }
    if (sub === 'record-self-service') {
      const result = await recordSelfService(ctx, actor, { product, quantity, dryRun });
      if (!result.ok) return failed(print, result);
      print(`${prefix}Recorded a self-service subscription of ${result.quantity} ${result.product.displayName}; assignable after \`licenses takeover\`.`);
      return 0;
    }
    if (sub === 'takeover') {
      const result = await takeOverSubscription(ctx, actor, { product, dryRun });
      if (!result.ok) return failed(print, result);
      print(`${prefix}Took over ${result.product.displayName}: ${result.seats} seats joined the pool (${result.total} in total).`);
      return 0;
    }
  }
  return null;
}
