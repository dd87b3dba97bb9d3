import type { Db } from '../../store/database.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import type { CoreContext } from '../context.js';
import { transactionOrDryRun } from '../dry-run.js';
import { tenantDirectory } from '../microsoft/tenant-directory.js';
import { CoreFailure, fail, type Outcome } from '../result.js';
import { CONNECTED_CHANGED_MEANWHILE, tenantMadeIt } from '../refusals.js';
import { transaction } from '../transaction.js';
import { SeatsExhausted, UniqueViolation } from '../../store/errors.js';
import { ChangeRecorder } from './change-recorder.js';
import type { DirectoryProvider } from './directory-provider.js';
import type { RemoteDirectory, TenantVerdict } from './remote-directory.js';

/** The organization a change is made in: Roster's own directory, or a connected tenant's. */
export interface ChangedOrganization {
  id: string;
  directory: 'embedded' | 'microsoft365';
}

/** A use case's directory work: its checks and writes, in the transaction `tx`, through `directory`. */
export type DirectoryWork<T> = (tx: Db, directory: DirectoryProvider) => Promise<T>;

export interface ChangeOptions<T> {
  /** Only rehearse (every check and write, then rolled back; nothing is sent to a tenant). */
  dryRun?: boolean;
  /**
   * Where the change is kept: a transaction of its own by default; a job's step (which saves its
   * progress with it). A job's step met by a sync of the same user (CONNECTED_CHANGED_MEANWHILE) is
   * decided again against the mirror as it is now, up to JOB_STEP_TRIES times in all.
   */
  keep?: (work: (tx: Db) => Promise<T>) => Promise<Outcome<T>>;
}

/**
 * How many times a job's step is decided, sent and kept when each try meets a concurrent change of
 * the same users (a sync, another admin): the tenant's answer is read back into the mirror after
 * each, so the next try asks only for what is still to do. An admin's own change is not tried again:
 * they are told, and look at the user as the tenant has them.
 */
export const JOB_STEP_TRIES = 4;

/** Whether a change failed because the users changed in Roster while the tenant made it (a try again may go through). */
export function changedMeanwhile(outcome: Outcome<unknown>): boolean {
  return !outcome.ok && outcome.message === CONNECTED_CHANGED_MEANWHILE;
}

/**
 * Makes a change to the organization's directory: the one way the core's use cases write users and
 * licenses (DEVELOPERS.md "Changes to a connected tenant").
 *
 * Roster's own directory: `work` runs once, in one transaction, through the embedded provider.
 *
 * A connected Microsoft 365 tenant, where a network call must never run inside a transaction (it
 * would hold the database for its duration, and a rollback cannot undo the tenant):
 * 1. decide: `work` runs in a transaction that is rolled back, through a provider that notes each
 *    change (ChangeRecorder): every rule, permission and who-may-act-on-whom is checked as always;
 * 2. apply: the changes noted go to the tenant, outside any transaction; it may refuse some;
 * 3. keep: `work` runs again in a short transaction, its rules decided again with the data as it is
 *    now; the tenant's refusals come back as the use case's refusals (in the admin's words), a user
 *    it made gets their object id, and the run must ask for exactly what the tenant accepted.
 * The local mirror thus changes only after the tenant accepted. When the tenant accepted something
 * Roster then cannot record (a concurrent change: another admin, a sync), the users concerned are
 * read back from the tenant into the mirror, and the answer says so; the next sync reconciles the rest.
 * A job's step (`keep`) that meets such a change is then decided again (JOB_STEP_TRIES).
 */
export async function changeDirectory<T>(
  ctx: CoreContext,
  organization: ChangedOrganization,
  work: DirectoryWork<T>,
  options: ChangeOptions<T> = {},
): Promise<Outcome<T>> {
  const tries = options.keep && organization.directory !== 'embedded' && !options.dryRun ? JOB_STEP_TRIES : 1;
  for (let tried = 1; ; tried++) {
    const done = await changeOnce(ctx, organization, work, options);
    if (tried >= tries || !changedMeanwhile(done)) return done;
  }
}

async function changeOnce<T>(ctx: CoreContext, organization: ChangedOrganization, work: DirectoryWork<T>, options: ChangeOptions<T>): Promise<Outcome<T>> {
  const dryRun = options.dryRun ?? false;
  // Every transaction that changes the organization's directory takes its lock first
  // (store/organization-lock.ts): decide, keep, or the one transaction of Roster's own directory.
  const locked: DirectoryWork<T> = async (tx, directory) => {
    await lockOrganization(tx, organization.id);
    return work(tx, directory);
  };
  if (organization.directory === 'embedded') {
    if (options.keep && !dryRun) return options.keep((tx) => locked(tx, ctx.directory));
    return transactionOrDryRun(ctx, dryRun, (tx) => locked(tx, ctx.directory));
  }
  const rehearsal = new ChangeRecorder(ctx.directory);
  const decided = await transactionOrDryRun(ctx, true, (tx) => locked(tx, rehearsal.provider()));
  if (!decided.ok || dryRun) return decided;
  const changes = rehearsal.changes();
  let remote: RemoteDirectory | null = null;
  let verdicts = new Map<string, TenantVerdict>();
  if (changes.length > 0) {
    const reached = await tenantDirectory(ctx, organization.id);
    if (!reached.ok) return reached;
    remote = reached.directory;
    // A user asked for now whom a lost answer made: asking again finds them made since, as asked.
    const asked = ctx.now();
    verdicts = await remote.apply(changes, {
      madeBefore: new Map(changes.flatMap((c) => (c.kind === 'create' ? [[c.user.userPrincipalName.toLowerCase(), asked] as const] : []))),
    });
  }
  const keeper = new ChangeRecorder(ctx.directory, verdicts);
  const keep = options.keep ?? ((inner: (tx: Db) => Promise<T>) => transaction(ctx, inner));
  let kept: Outcome<T>;
  try {
    kept = await keep(async (tx) => {
      const value = await locked(tx, keeper.provider());
      keeper.verify();
      return value;
    });
  } catch (error) {
    // The use case's own refusals (a username or a seat taken meanwhile) after the tenant accepted.
    const applied = [...verdicts.values()].filter((v) => v.applied.length > 0);
    await mirrorFromTenant(ctx, organization.id, remote, applied);
    if (error instanceof CoreFailure && changedMeanwhile(error.error)) return error.error;
    if (applied.length > 0 && isLocalRefusal(error)) return fail('conflict', tenantMadeIt(error instanceof Error ? error.message : String(error)));
    throw error;
  }
  if (kept.ok) {
    await mirrorFromTenant(ctx, organization.id, remote, keeper.unrecorded());
    return kept;
  }
  const applied = [...verdicts.values()].filter((v) => v.applied.length > 0);
  await mirrorFromTenant(ctx, organization.id, remote, applied);
  if (keeper.refusal || applied.length === 0 || kept.message === CONNECTED_CHANGED_MEANWHILE) return kept;
  return fail(kept.code, tenantMadeIt(kept.message), kept.fields);
}

function isLocalRefusal(error: unknown): boolean {
  return error instanceof UniqueViolation || error instanceof SeatsExhausted || error instanceof LicenseChangeRefused || error instanceof CoreFailure;
}

/**
 * The users the tenant changed whose change Roster did not record: read back from the tenant and
 * written to the mirror as it has them. When the tenant cannot be read now, the next sync does it.
 */
async function mirrorFromTenant(ctx: CoreContext, tenantId: string, remote: RemoteDirectory | null, verdicts: readonly TenantVerdict[]): Promise<void> {
  const ids = verdicts.flatMap((v) => (v.externalId ? [v.externalId] : []));
  if (!remote || ids.length === 0) return;
  let read;
  try {
    read = await remote.read(ids);
  } catch {
    return;
  }
  await transaction(ctx, (tx) => ctx.mirror.applyUsers(tx, tenantId, read, ctx.now()));
}
