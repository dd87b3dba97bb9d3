import { addDays, differenceInCalendarDays } from 'date-fns';
import { confirmActOnUser } from '../access/act-on-user.js';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { changeDirectory } from '../directory/change-directory.js';
import { changeUserLicenses, LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashGeneratedPassword } from '../passwords/hash-password.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type Result } from '../result.js';
import type { Authorized } from '../access/authorize.js';
import { hasPermission } from '../roles.js';
import { parseUsername, type ParsedUsername } from '../rules/username.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { activeUserBySlackMember } from '../../store/directory-users.js';
import { licensePools } from '../../store/seat-ledger.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { countDeletedUsers, deletedUserById, deletedUsers, type DeletedUserRecord } from '../../store/user-lifecycle.js';
import { UniqueViolation } from '../../store/errors.js';
import type { CredentialNotice } from './add-user.js';
import { DELETED_KEPT_DAYS, deletedUserRefusal, findDeletedUser, purgeCutoff } from './delete-user-targets.js';
import { usernameUnavailableReason } from './username-availability.js';
import type { RememberedLicense } from '../../domain/user-changes.js';
import { USER_NO_LONGER_DELETED } from '../refusals.js';

export interface RestoreUserResult {
  userId: string;
  notice: CredentialNotice;
  /** Remembered licenses given back (product names). */
  licensesGiven: string[];
  /** Remembered licenses not given back, each with why and how to fix it. */
  licensesNotGiven: { product: string; reason: string }[];
  /** True when the old Slack link went to someone else meanwhile, so the restored user has none. */
  slackLinkDropped: boolean;
  dryRun: boolean;
  /** The connected tenant asked (its name), or null on Roster's own directory: a form then says it is asking. */
  tenantName: string | null;
}

export interface DeletedUserLine {
  id: string;
  userPrincipalName: string;
  displayName: string;
  deletedAt: Date;
  daysLeft: number;
  licenses: string[];
}

/** Deleted users (any admin role), most recent first, with the days left before they are removed for good. */
export async function listDeletedUsers(ctx: CoreContext, actor: Actor, limit = 50): Promise<Result<{ users: DeletedUserLine[]; count: number }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const now = ctx.now();
  const rows = await deletedUsers(ctx.db, auth.tenant.id, Math.min(limit, 200));
  return ok({
    count: await countDeletedUsers(ctx.db, auth.tenant.id),
    users: rows.map((u) => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      deletedAt: u.deletedAt,
      daysLeft: Math.max(differenceInCalendarDays(addDays(u.deletedAt, DELETED_KEPT_DAYS), now), 0),
      licenses: u.deletedLicenses.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId),
    })),
  });
}

/** Finds the deleted user a restore is about (for the restore form), with the username it would get back. */
export async function deletedUserToRestore(
  ctx: CoreContext,
  actor: Actor,
  query: string,
): Promise<Result<{ user: DeletedUserRecord; usernameTaken: string | null }>> {
  const auth = await authorize(ctx, actor, 'delete_users');
  if (!auth.ok) return auth;
  const user = await findDeletedUser(ctx.db, auth.tenant, query);
  if (typeof user === 'string') return fail('not_found', user);
  const refusal = await restoreRefusal(ctx.db, auth, user, ctx.now());
  if (refusal) return refusal;
  return ok({ user, usernameTaken: await usernameUnavailableReason(ctx.db, auth.tenant, user) });
}

/**
 * Why this actor may not restore this deleted user, or null: the same who-may-act-on-whom rule as
 * for delete and reset (a User admin restores anyone but a Global admin), and only within the 30
 * days a deleted user is kept, whether or not the purge has run yet.
 */
export async function restoreRefusal(db: Db, auth: Authorized, user: DeletedUserRecord, now: Date): Promise<CoreError | null> {
  const refusal = await deletedUserRefusal(db, auth, user);
  if (refusal) return fail('forbidden', refusal);
  if (user.deletedAt <= purgeCutoff(now))
    return fail(
      'conflict',
      `${user.userPrincipalName} was deleted more than ${DELETED_KEPT_DAYS} days ago: it is being removed for good and can no longer be restored. Add the user again with \`/users add\`.`,
    );
  return null;
}

/**
 * Restores a deleted user (Global or User admin) with a new temporary password. `alias` gives a new
 * username (same domain) when the old one was taken meanwhile: a taken one is refused on the
 * `alias` field. The remembered licenses are then given back one by one where seats and rules
 * allow; the rest are reported with why.
 */
export async function restoreUser(
  ctx: CoreContext,
  actor: Actor,
  input: { user: string; byId?: boolean; alias?: string; dryRun?: boolean },
): Promise<Result<RestoreUserResult>> {
  const auth = await authorize(ctx, actor, 'delete_users');
  if (!auth.ok) return auth;
  const { tenant } = auth;
  const found = input.byId
    ? ((await deletedUserById(ctx.db, tenant.id, input.user)) ?? USER_NO_LONGER_DELETED)
    : await findDeletedUser(ctx.db, tenant, input.user);
  if (typeof found === 'string') return fail('not_found', found);
  const refusal = await restoreRefusal(ctx.db, auth, found, ctx.now());
  if (refusal) return refusal;
  const alias = input.alias?.trim() || found.alias;
  const parsed = parseUsername(`${alias}@${found.domain}`);
  if (!parsed.ok) return invalidFields([{ field: 'alias', message: parsed.message }]);
  const username = parsed.username;
  const taken = await usernameUnavailableReason(ctx.db, tenant, username);
  if (taken) return invalidFields([{ field: 'alias', message: `${taken} Enter a new username for the restored user.` }]);
  const keepSlackLink = found.slackUserId !== null && !(await activeUserBySlackMember(ctx.db, tenant.id, found.slackUserId));
  const temporaryPassword = generatePassword();
  const passwordHash = hashGeneratedPassword(temporaryPassword);
  const now = ctx.now();
  const dryRun = input.dryRun ?? false;
  const licenseOptions = {
    ownedSkuIds: (await licensePools(ctx.db, tenant.id)).map((p) => p.skuId),
    mayLicenseGuests: hasPermission(auth.roles, 'license_guests'),
    now,
  };
  const given: string[] = [];
  const notGiven: RestoreUserResult['licensesNotGiven'] = [];
  const giveBack = async (tx: Db, directory: DirectoryProvider, license: RememberedLicense) => {
    const back = await giveLicenseBack(tx, { ...licenseOptions, directory }, auth, found.id, username.userPrincipalName, license, now);
    if ('given' in back) given.push(back.given);
    else {
      notGiven.push(back.notGiven);
      throw back.error;
    }
  };
  let restored;
  try {
    restored = await changeDirectory(
      ctx,
      tenant,
      async (tx, directory) => {
        await restoreWithin(tx, directory, auth, found, { username, keepSlackLink, password: { value: temporaryPassword, hash: passwordHash } }, now);
        // A rehearsal tries the licenses inside its own (rolled back) transaction.
        if (dryRun)
          for (const license of found.deletedLicenses)
            await giveBack(tx, directory, license).catch((error: unknown) => {
              if (!(error instanceof LicenseChangeRefused)) throw error;
            });
        return { userId: found.id };
      },
      { dryRun },
    );
  } catch (error) {
    if (error instanceof UniqueViolation && error.constraint === 'username')
      return invalidFields([{ field: 'alias', message: `The username ${username.userPrincipalName} was taken a moment ago. Enter a new one.` }]);
    throw error;
  }
  if (!restored.ok) return restored;
  if (!dryRun) {
    // Each license in its own transaction: one that cannot be given back does not hold up the others.
    for (const license of found.deletedLicenses) {
      const product = productBySkuId(license.skuId)?.displayName ?? license.skuId;
      try {
        const back = await changeDirectory(ctx, tenant, async (tx, directory) => {
          const outcome = await giveLicenseBack(tx, { ...licenseOptions, directory }, auth, found.id, username.userPrincipalName, license, now);
          if ('notGiven' in outcome) throw outcome.error;
          return outcome.given;
        });
        if (back.ok) given.push(back.value);
        else notGiven.push({ product, reason: back.message });
      } catch (error) {
        if (!(error instanceof LicenseChangeRefused)) throw error;
        notGiven.push({ product, reason: error.problems.map((p) => p.message).join(' ') });
      }
    }
    reportChange(ctx, tenant, 'users', actor);
    if (given.length > 0) reportChange(ctx, tenant, 'licenses', actor);
  }
  return ok({
    userId: found.id,
    licensesGiven: given,
    licensesNotGiven: notGiven,
    slackLinkDropped: found.slackUserId !== null && !keepSlackLink,
    dryRun,
    tenantName: tenant.directory === 'embedded' ? null : tenant.name,
    notice: {
      occasion: 'restored',
      displayName: found.displayName,
      userPrincipalName: username.userPrincipalName,
      temporaryPassword,
      mustChangeAtNextSignIn: true,
      passwordExpiresAt: tenant.passwordExpiryDays > 0 ? addDays(now, tenant.passwordExpiryDays) : null,
      licenses: given,
    },
  });
}

/**
 * A deleted user back under `restored.username` with a new password, inside the writing
 * transaction, with who may act on whom decided again with the roles as stored now. Throws a
 * CoreFailure when refused or when the user is no longer restorable; the licenses are given back
 * afterwards, each on its own (`giveLicenseBack`).
 */
export async function restoreWithin(
  tx: Db,
  directory: DirectoryProvider,
  checked: Authorized,
  found: DeletedUserRecord,
  restored: { username: ParsedUsername; keepSlackLink: boolean; password: { value: string; hash: string } },
  now: Date,
): Promise<void> {
  const { auth } = await confirmActOnUser(tx, checked, 'delete_users', found.id);
  const { username, keepSlackLink, password } = restored;
  const back = await directory.restoreUser(
    tx,
    found.id,
    { ...username, passwordHash: password.hash, keepSlackLink, temporaryPassword: password.value },
    { deletedAfter: purgeCutoff(now) },
    now,
  );
  if (!back)
    throw new CoreFailure(
      fail('not_found', `${found.userPrincipalName} is no longer deleted, or was deleted ${DELETED_KEPT_DAYS} days ago and can no longer be restored.`),
    );
  const renamed = username.userPrincipalName !== found.userPrincipalName;
  await writeAudit(
    tx,
    {
      tenantId: auth.tenant.id,
      actor: auth.actorId,
      action: 'user.restore',
      targetType: 'user',
      targetUserId: found.id,
      changedFields: ['deletedAt', 'password', ...(renamed ? ['userPrincipalName'] : []), ...(!keepSlackLink && found.slackUserId ? ['slackUserId'] : [])],
      summary: `Restored ${username.userPrincipalName}${renamed ? ` (was ${found.userPrincipalName})` : ''} with a new temporary password`,
    },
    now,
  );
}

/** What giving a license back needs to know of the organization and the actor. */
export type GiveBackOptions = Parameters<typeof changeUserLicenses>[3];

/**
 * One remembered license given back to a restored user, audited; or, when seats or the rules
 * refuse it, the product with why (and the refusal, to roll back the caller's transaction or step).
 */
export async function giveLicenseBack(
  tx: Db,
  options: GiveBackOptions,
  auth: Authorized,
  userId: string,
  userPrincipalName: string,
  license: RememberedLicense,
  now: Date,
): Promise<{ given: string } | { notGiven: { product: string; reason: string }; error: LicenseChangeRefused }> {
  const product = productBySkuId(license.skuId)?.displayName ?? license.skuId;
  // Its own transaction's first statement when a license is given back on its own (restoreUser).
  await lockOrganization(tx, auth.tenant.id);
  try {
    await changeUserLicenses(tx, userId, { add: [license] }, options);
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    return { notGiven: { product, reason: error.problems.map((p) => p.message).join(' ') }, error };
  }
  await writeAudit(
    tx,
    {
      tenantId: auth.tenant.id,
      actor: auth.actorId,
      action: 'user.licenses',
      targetType: 'user',
      targetUserId: userId,
      changedFields: ['licenses'],
      summary: `Gave ${userPrincipalName} back ${product} on restore`,
    },
    now,
  );
  return { given: product };
}
