import { addDays } from 'date-fns';
import type { Authorized } from '../access/authorize.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashGeneratedPassword } from '../passwords/hash-password.js';
import { CoreFailure, fail } from '../result.js';
import { hasPermission } from '../roles.js';
import { parseUsername } from '../rules/username.js';
import { step } from '../transaction.js';
import type { Db } from '../../store/database.js';
import { activeUserBySlackMember, activeUserRecordsByIds } from '../../store/directory-users.js';
import { UniqueViolation } from '../../store/errors.js';
import { licensePools } from '../../store/seat-ledger.js';
import { deletedUserById } from '../../store/user-lifecycle.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import type { CredentialNotice } from './add-user.js';
import type { BulkAction, BulkOptions, BulkOutcome, BulkTarget } from './bulk-action-input.js';
import { setSignInWithin } from './block-user.js';
import { deleteUserWithin } from './delete-users.js';
import { resetPasswordWithin } from './reset-password.js';
import { giveLicenseBack, restoreRefusal, restoreWithin } from './restore-user.js';
import { usernameUnavailableReason } from './username-availability.js';
import { USER_GONE, USER_NO_LONGER_DELETED } from '../refusals.js';

/** One user's outcome and, when the action made a new password (reset, restore), its notice: held in memory only, never stored with the outcome. */
export interface Settled {
  outcome: BulkOutcome;
  notice: CredentialNotice | null;
}

type Acted = { note: string | null; notice: CredentialNotice | null };

/**
 * One user of a bulk action, in a savepoint of the caller's transaction (a job's step, or a
 * preview's rolled-back transaction): the single action's rules are applied inside (each use case's
 * `…Within`), so a refusal undoes this user's writes alone and comes back as their outcome.
 */
export async function actOnUser(tx: Db, directory: DirectoryProvider, plan: ActingPlan, target: BulkTarget, now: Date): Promise<Settled> {
  if ('problem' in target) return { outcome: { name: target.name, userId: null, done: false, reason: target.problem, note: null }, notice: null };
  const acted = await step(tx, () => ACT[plan.action](tx, directory, plan.auth, target.id, plan.options, now, plan));
  const outcome: BulkOutcome = acted.ok
    ? { name: acted.value.notice?.userPrincipalName ?? target.userPrincipalName, userId: target.id, done: true, reason: null, note: acted.value.note }
    : { name: target.userPrincipalName, userId: target.id, done: false, reason: acted.message, note: null };
  return { outcome, notice: acted.ok ? acted.value.notice : null };
}

/**
 * Who acts, how, and (for a connected tenant, whose change is decided, sent, then recorded by a
 * second run) the new passwords made so far by user: both runs give a user the same one.
 */
export interface ActingPlan {
  auth: Authorized;
  action: BulkAction;
  options: BulkOptions;
  passwords?: Map<string, { value: string; hash: string }>;
}

type Act = (tx: Db, directory: DirectoryProvider, auth: Authorized, userId: string, options: BulkOptions, now: Date, plan: ActingPlan) => Promise<Acted>;

/** A new password for the user: the one this plan made them already, if any. */
function newPassword(plan: ActingPlan, userId: string): { value: string; hash: string } {
  const made = plan.passwords?.get(userId);
  if (made) return made;
  const value = generatePassword();
  const password = { value, hash: hashGeneratedPassword(value) };
  plan.passwords?.set(userId, password);
  return password;
}

const ACT: Record<BulkAction, Act> = {
  block: (tx, directory, auth, userId, _options, now) => signIn(tx, directory, auth, userId, false, now),
  unblock: (tx, directory, auth, userId, _options, now) => signIn(tx, directory, auth, userId, true, now),
  async reset_password(tx, directory, auth, userId, options, now, plan) {
    const user = await activeUser(tx, auth, userId);
    const password = newPassword(plan, userId);
    const notice = await resetPasswordWithin(tx, directory, auth, user, { password, mustChange: options.requirePasswordChange }, now);
    return { note: null, notice };
  },
  async delete(tx, directory, auth, userId, _options, now) {
    const deleted = await deleteUserWithin(tx, directory, auth, await activeUser(tx, auth, userId), now);
    return { note: deleted.licenses.length ? `Licenses freed: ${deleted.licenses.join(', ')}.` : null, notice: null };
  },
  restore: (tx, directory, auth, userId, _options, now, plan) => restoreOne(tx, directory, auth, userId, now, newPassword(plan, userId)),
};

async function activeUser(tx: Db, auth: Authorized, userId: string): Promise<DirectoryUserRecord> {
  const [user] = await activeUserRecordsByIds(tx, auth.tenant.id, [userId]);
  if (!user) throw new CoreFailure(fail('not_found', USER_GONE));
  return user;
}

async function signIn(tx: Db, directory: DirectoryProvider, auth: Authorized, userId: string, allowed: boolean, now: Date): Promise<Acted> {
  const changed = await setSignInWithin(tx, directory, auth, await activeUser(tx, auth, userId), allowed, now);
  return { note: changed ? null : allowed ? 'Already allowed to sign in.' : 'Already blocked from signing in.', notice: null };
}

/**
 * A deleted user restored under the username they had (a bulk restore cannot ask for a new one: a
 * user whose username was taken meanwhile is refused, to be restored alone), with a new password,
 * then their remembered licenses given back each in its own savepoint where seats and rules allow.
 */
async function restoreOne(
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  userId: string,
  now: Date,
  password: { value: string; hash: string },
): Promise<Acted> {
  const found = await deletedUserById(tx, auth.tenant.id, userId);
  if (!found) throw new CoreFailure(fail('not_found', USER_NO_LONGER_DELETED));
  const refusal = await restoreRefusal(tx, auth, found, now);
  if (refusal) throw new CoreFailure(refusal);
  const parsed = parseUsername(`${found.alias}@${found.domain}`);
  if (!parsed.ok) throw new CoreFailure(fail('invalid_input', parsed.message));
  const { username } = parsed;
  const taken = await usernameUnavailableReason(tx, auth.tenant, username);
  if (taken) throw new CoreFailure(fail('conflict', `${taken} Restore this user on their own (\`/users restore\`) to give them a new username.`));
  const keepSlackLink = found.slackUserId !== null && !(await activeUserBySlackMember(tx, auth.tenant.id, found.slackUserId));
  const { value } = password;
  try {
    await restoreWithin(tx, directory, auth, found, { username, keepSlackLink, password }, now);
  } catch (error) {
    if (error instanceof UniqueViolation && error.constraint === 'username')
      throw new CoreFailure(fail('conflict', `The username ${username.userPrincipalName} was taken a moment ago.`));
    throw error;
  }
  const options = {
    directory,
    ownedSkuIds: (await licensePools(tx, auth.tenant.id)).map((p) => p.skuId),
    mayLicenseGuests: hasPermission(auth.roles, 'license_guests'),
    now,
  };
  const given: string[] = [];
  const notGiven: string[] = [];
  for (const license of found.deletedLicenses) {
    // Each license in its own savepoint: one that cannot be given back does not hold up the others.
    const back = await step(tx, async () => {
      const outcome = await giveLicenseBack(tx, options, auth, found.id, username.userPrincipalName, license, now);
      if ('notGiven' in outcome) throw new CoreFailure(fail('conflict', `License not given back: ${outcome.notGiven.product}: ${outcome.notGiven.reason}`));
      return outcome.given;
    });
    if (back.ok) given.push(back.value);
    else notGiven.push(back.message);
  }
  const notes = [
    ...(given.length ? [`Licenses given back: ${given.join(', ')}.`] : []),
    ...notGiven,
    ...(found.slackUserId !== null && !keepSlackLink ? ['Their Slack account is now linked to someone else, so the restored user has none.'] : []),
  ];
  return {
    note: notes.length ? notes.join(' ') : null,
    notice: {
      occasion: 'restored',
      displayName: found.displayName,
      userPrincipalName: username.userPrincipalName,
      temporaryPassword: value,
      mustChangeAtNextSignIn: true,
      passwordExpiresAt: auth.tenant.passwordExpiryDays > 0 ? addDays(now, auth.tenant.passwordExpiryDays) : null,
      licenses: given,
    },
  };
}
