import { addDays } from 'date-fns';
import { productBySkuId } from '../catalogue/catalogue.js';
import type { Db } from '../../store/database.js';
import { licenseStateOf, type LicenseState } from '../../store/directory-users.js';
import { SeatsExhausted } from '../../store/errors.js';
import { licensesOf, type LicenseRecord } from '../../store/seat-ledger.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { hasMailboxPlan, licenseProblems, type LicenseProblem } from './license-rules.js';
import type { LicenseChoice } from './plan-conflicts.js';
import { noSeatsError } from './seat-errors.js';
import { USER_GONE } from '../refusals.js';

/** docs/domain.md: a user who loses every mailbox plan keeps the mailbox this long, then it is gone. */
export const MAILBOX_GRACE_DAYS = 30;

export interface LicenseChangeRequest {
  /** Products to give; a product already held takes these apps instead (the others' apps are kept). */
  add?: readonly LicenseChoice[];
  /** Products to take away (skuIds). */
  remove?: readonly string[];
}

export interface LicenseChangeDone {
  added: string[];
  removed: string[];
  appsChanged: string[];
  mailbox: 'none' | 'active' | 'grace';
}

/** Thrown inside the caller's transaction (which it rolls back) when the change cannot be made; `problems` say why and how to fix it. */
export class LicenseChangeRefused extends Error {
  constructor(readonly problems: readonly (LicenseProblem | { code: 'no_seat' | 'not_owned' | 'not_found'; message: string })[]) {
    super(problems.map((p) => p.message).join(' '));
  }
}

/**
 * Changes one user's licenses inside the caller's transaction: the rules first (usage location,
 * guests, add-on prerequisites, mutually exclusive plans, products the organization owns), then
 * the seats through the ledger, then the mailbox that follows from the plans (a mailbox plan lost
 * starts a 30-day grace). Merges, never overwrites: licenses not named are kept with their apps.
 * Throws LicenseChangeRefused (roll back) when anything is wrong, so a user is never half-changed.
 * `known` is the user and their licenses as they stand in this transaction, when the caller read
 * them already (Edit many reads a whole batch at once); otherwise they are read here.
 */
export async function changeUserLicenses(
  tx: Db,
  userId: string,
  request: LicenseChangeRequest,
  options: {
    directory: DirectoryProvider;
    ownedSkuIds: readonly string[];
    mayLicenseGuests: boolean;
    now: Date;
    known?: { user: LicenseState | null; licenses: readonly LicenseRecord[] };
  },
): Promise<LicenseChangeDone> {
  const { directory } = options;
  const user = options.known ? options.known.user : await licenseStateOf(tx, userId);
  if (!user) throw new LicenseChangeRefused([{ code: 'not_found', message: USER_GONE }]);
  const current = options.known ? options.known.licenses : await licensesOf(tx, userId);
  const held = new Map(current.map((license) => [license.skuId, license.disabledPlans]));
  const removed = (request.remove ?? []).filter((skuId) => held.has(skuId));
  for (const skuId of removed) held.delete(skuId);
  const added: LicenseChoice[] = [];
  const appsChanged: LicenseChoice[] = [];
  for (const choice of request.add ?? []) {
    if (!held.has(choice.skuId) || removed.includes(choice.skuId)) added.push(choice);
    else if (JSON.stringify([...choice.disabledPlans].sort()) !== JSON.stringify([...(held.get(choice.skuId) ?? [])].sort())) appsChanged.push(choice);
    held.set(choice.skuId, [...choice.disabledPlans]);
  }
  const after: LicenseChoice[] = [...held].map(([skuId, disabledPlans]) => ({ skuId, disabledPlans }));
  const problems: ConstructorParameters<typeof LicenseChangeRefused>[0][number][] = [];
  for (const choice of added) {
    if (!options.ownedSkuIds.includes(choice.skuId)) {
      const name = productBySkuId(choice.skuId)?.displayName ?? choice.skuId;
      problems.push({ code: 'not_owned', message: `The organization has no ${name} licenses. Buy some with \`/licenses buy\`.` });
    }
  }
  problems.push(...licenseProblems(user, added, after, { mayLicenseGuests: options.mayLicenseGuests }));
  if (problems.length > 0) throw new LicenseChangeRefused(problems);

  for (const skuId of removed) await directory.unassignLicenses(tx, user.tenantId, skuId, [userId]);
  for (const choice of appsChanged) await directory.setDisabledPlans(tx, userId, choice.skuId, choice.disabledPlans);
  for (const choice of added) {
    try {
      await directory.assignLicenses(tx, user.tenantId, choice.skuId, [{ userId, disabledPlans: choice.disabledPlans }], options.now);
    } catch (error) {
      if (error instanceof SeatsExhausted) throw new LicenseChangeRefused([{ code: 'no_seat', message: noSeatsError(error).message }]);
      throw error;
    }
  }
  // The mailbox follows the plans: one gives it, losing the last starts the grace (a grace already
  // running keeps its end date).
  const was = mailboxState(user.mailbox);
  const mailbox: LicenseChangeDone['mailbox'] = hasMailboxPlan(after) ? 'active' : was === 'active' ? 'grace' : was;
  const mailboxChange =
    mailbox !== user.mailbox ? { state: mailbox, graceEndsAt: mailbox === 'grace' ? addDays(options.now, MAILBOX_GRACE_DAYS) : null } : undefined;
  if (mailboxChange || (added.length > 0 && user.licenseError)) {
    await directory.setMailbox(
      tx,
      userId,
      { ...(mailboxChange ? { mailbox: mailboxChange } : {}), ...(added.length > 0 ? { licenseError: null } : {}) },
      options.now,
    );
  }
  return { added: added.map((c) => c.skuId), removed, appsChanged: appsChanged.map((c) => c.skuId), mailbox };
}

function mailboxState(value: string): LicenseChangeDone['mailbox'] {
  return value === 'active' || value === 'grace' ? value : 'none';
}

/**
 * Gives one product, with the same apps turned off, to users just made (an import batch, whose
 * rows the import checked against the same rules): one statement for the batch, seats taken
 * through the ledger. Their mailbox was set when they were made.
 */
export async function licenseNewUsers(
  tx: Db,
  directory: DirectoryProvider,
  tenantId: string,
  skuId: string,
  grants: readonly { userId: string; disabledPlans: readonly string[] }[],
  now: Date,
): Promise<void> {
  if (grants.length > 0) await directory.assignLicenses(tx, tenantId, skuId, grants, now);
}

/**
 * Takes every license a user holds (a delete), freeing the seats; returns what they held, to be
 * remembered for a restore. The user's mailbox keeps its state (a deleted user has none in use).
 */
export async function releaseAllLicenses(tx: Db, directory: DirectoryProvider, tenantId: string, userId: string): Promise<LicenseRecord[]> {
  const held = await licensesOf(tx, userId);
  for (const license of held) await directory.unassignLicenses(tx, tenantId, license.skuId, [userId]);
  return held;
}
