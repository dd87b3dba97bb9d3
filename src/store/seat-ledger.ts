import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type Db, runEach } from './database.js';
import { dialectOf } from './dialect.js';
import { SeatsExhausted } from './errors.js';
import { requireOrganizationLock } from './organization-lock.js';
import { alertIfBelow, ensureProductSettings, rearmIfAbove } from './seat-alerts.js';
import { toDbBool, toDbDate, toDbJson } from './values.js';

/**
 * The seat ledger: all SQL about products, subscriptions, seat counts and license assignments.
 * `LicensePool.assigned` counts the LicenseAssignment rows of its product and changes only here,
 * in the same statement group as the rows it counts: callers run these inside one transaction, so a
 * seat is never taken without its assignment or freed without removing it. `seatDifferences`
 * recomputes every count from the assignments (`npm run roster -- check`). Every write of a
 * product's seats runs in a transaction that holds the organization's lock (organization-lock.ts):
 * the write refuses to run otherwise. The seat counts are also guarded by the database itself (a
 * conditional UPDATE takes seats only while `assigned + n <= total`), so no interleaving can take
 * more than were bought.
 */

export interface PoolRecord {
  skuId: string;
  partNumber: string;
  total: number;
  assigned: number;
}

export interface LicenseRecord {
  skuId: string;
  disabledPlans: string[];
  assignedAt: Date;
}

export async function licensePools(db: Db, tenantId: string): Promise<PoolRecord[]> {
  return db.selectFrom('LicensePool').select(['skuId', 'partNumber', 'total', 'assigned']).where('tenantId', '=', tenantId).execute();
}

export async function licensePool(db: Db, tenantId: string, skuId: string): Promise<PoolRecord | null> {
  return (await poolQuery(db, tenantId, skuId).executeTakeFirst()) ?? null;
}

/**
 * The pool, held as read until the caller's transaction ends (no other writer changes its counts
 * meanwhile): for a write that takes as many seats as are free (an import batch).
 */
export async function licensePoolHeld(tx: Db, tenantId: string, skuId: string): Promise<PoolRecord | null> {
  await requireOrganizationLock(tx, tenantId, 'licensePoolHeld');
  return (
    (await dialectOf(tx)
      .forUpdate(poolQuery(tx, tenantId, skuId))
      .executeTakeFirst()) ?? null
  );
}

function poolQuery(db: Db, tenantId: string, skuId: string) {
  return db.selectFrom('LicensePool').select(['skuId', 'partNumber', 'total', 'assigned']).where('tenantId', '=', tenantId).where('skuId', '=', skuId);
}

/**
 * Records a purchase: a new subscription, its seats added to the product's pool at once. With a
 * `requestKey` (the form submission), the same request delivered twice buys once: the second
 * returns `duplicate: true` and the pool as it is.
 */
export async function addSubscription(
  db: Db,
  purchase: { tenantId: string; skuId: string; partNumber: string; quantity: number; requestKey?: string },
  at: Date,
): Promise<{ duplicate: boolean; pool: PoolRecord }> {
  await requireOrganizationLock(db, purchase.tenantId, 'addSubscription');
  const stamp = toDbDate(at);
  const inserted = await db
    .insertInto('Subscription')
    .values({
      id: randomUUID(),
      tenantId: purchase.tenantId,
      skuId: purchase.skuId,
      partNumber: purchase.partNumber,
      quantity: purchase.quantity,
      requestKey: purchase.requestKey ?? null,
      createdAt: stamp,
      updatedAt: stamp,
    })
    .onConflict((conflict) => conflict.columns(['tenantId', 'requestKey']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    await db
      .insertInto('LicensePool')
      .values({ tenantId: purchase.tenantId, skuId: purchase.skuId, partNumber: purchase.partNumber, total: purchase.quantity, assigned: 0 })
      .onConflict((conflict) =>
        conflict.columns(['tenantId', 'skuId']).doUpdateSet((eb) => ({ total: sql<number>`${eb.ref('LicensePool.total')} + ${eb.ref('excluded.total')}` })),
      )
      .execute();
    await ensureProductSettings(db, purchase.tenantId, [purchase.skuId], at);
  }
  const pool = await licensePool(db, purchase.tenantId, purchase.skuId);
  if (!pool) throw new Error(`no pool for ${purchase.skuId} after a purchase`);
  return { duplicate: !inserted, pool };
}

/**
 * Takes `count` seats in one conditional UPDATE, so two writers racing for the last seat cannot both
 * win; a product this takes below its seat alert threshold has its alert queued (seat-alerts.ts).
 */
async function takeSeats(db: Db, tenantId: string, skuId: string, count: number, at: Date): Promise<void> {
  if (count <= 0) return;
  await requireOrganizationLock(db, tenantId, 'takeSeats');
  const result = await db
    .updateTable('LicensePool')
    .set((eb) => ({ assigned: eb('assigned', '+', count) }))
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .where((eb) => eb(eb('assigned', '+', count), '<=', eb.ref('total')))
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new SeatsExhausted(skuId, count, await licensePool(db, tenantId, skuId));
  await alertIfBelow(db, tenantId, [skuId], at);
}

async function releaseSeats(db: Db, tenantId: string, skuId: string, count: number): Promise<void> {
  if (count <= 0) return;
  await requireOrganizationLock(db, tenantId, 'releaseSeats');
  await db
    .updateTable('LicensePool')
    .set((eb) => ({ assigned: eb('assigned', '-', count) }))
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .execute();
  await rearmIfAbove(db, tenantId, [skuId]);
}

/**
 * Gives one product to users, taking a seat for each; throws SeatsExhausted (roll the transaction
 * back) when too few are free. Users who already hold the product are not given it again.
 */
export async function assignLicense(
  db: Db,
  tenantId: string,
  skuId: string,
  grants: readonly { userId: string; disabledPlans: readonly string[] }[],
  at: Date,
): Promise<void> {
  if (grants.length === 0) return;
  await takeSeats(db, tenantId, skuId, grants.length, at);
  const stamp = toDbDate(at);
  await runEach(
    db,
    (row) => db.insertInto('LicenseAssignment').values(row),
    grants.map((grant) => ({ userId: grant.userId, tenantId, skuId, disabledPlans: toDbJson(grant.disabledPlans), assignedAt: stamp })),
  );
}

/** Takes a product from users and frees their seats; returns how many held it. */
export async function unassignLicense(db: Db, tenantId: string, skuId: string, userIds: readonly string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const result = await db
    .deleteFrom('LicenseAssignment')
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .where('userId', 'in', userIds)
    .executeTakeFirst();
  const removed = Number(result.numDeletedRows);
  await releaseSeats(db, tenantId, skuId, removed);
  return removed;
}

/** A user's licenses, oldest first. */
export async function licensesOf(db: Db, userId: string): Promise<LicenseRecord[]> {
  return (await licensesOfUsers(db, [userId])).get(userId) ?? [];
}

/** The licenses of each of these users (at most 500), oldest first; a user without licenses has no entry. */
export async function licensesOfUsers(db: Db, userIds: readonly string[]): Promise<Map<string, LicenseRecord[]>> {
  const licenses = new Map<string, LicenseRecord[]>();
  if (userIds.length === 0) return licenses;
  const rows = await db
    .selectFrom('LicenseAssignment')
    .select(['userId', 'skuId', 'disabledPlans', 'assignedAt'])
    .where('userId', 'in', userIds)
    .orderBy('assignedAt')
    .execute();
  for (const row of rows) {
    const record = { skuId: row.skuId, disabledPlans: parsePlanIds(row.disabledPlans), assignedAt: new Date(row.assignedAt) };
    const list = licenses.get(row.userId);
    if (list) list.push(record);
    else licenses.set(row.userId, [record]);
  }
  return licenses;
}

function parsePlanIds(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

export interface SeatDifference {
  tenantId: string;
  skuId: string;
  partNumber: string;
  total: number;
  /** What the pool says. */
  recorded: number;
  /** What the assignments say. */
  counted: number;
}

/**
 * Recomputes every product's assigned count from the assignments and returns each pool whose
 * count differs, or that has more assigned than bought. Empty means the ledger is consistent.
 */
export async function seatDifferences(db: Db, tenantId?: string): Promise<SeatDifference[]> {
  let query = db.selectFrom('LicensePool as p').select((eb) => [
    'p.tenantId',
    'p.skuId',
    'p.partNumber',
    'p.total',
    'p.assigned as recorded',
    eb
      .selectFrom('LicenseAssignment as a')
      .select((inner) => inner.fn.countAll<number>().as('n'))
      .whereRef('a.tenantId', '=', 'p.tenantId')
      .whereRef('a.skuId', '=', 'p.skuId')
      .as('counted'),
  ]);
  if (tenantId) query = query.where('p.tenantId', '=', tenantId);
  const rows = await query.execute();
  return rows
    .map((row) => ({ ...row, counted: Number(row.counted ?? 0) }))
    .filter((row) => row.counted !== row.recorded || row.recorded > row.total || row.recorded < 0);
}

/** Changes which apps of a product are turned off for a user (no seat changes hands). */
export async function setDisabledPlans(db: Db, userId: string, skuId: string, disabledPlans: readonly string[]): Promise<void> {
  await db
    .updateTable('LicenseAssignment')
    .set({ disabledPlans: toDbJson(disabledPlans) })
    .where('userId', '=', userId)
    .where('skuId', '=', skuId)
    .execute();
}

/*
 * Self-service subscriptions (bought by a member, not an admin). Their seats are kept OUT of the
 * pool (`LicensePool.total`) until a Global or Billing admin takes them over: until then nobody can
 * assign them, and no pool row is made for a product that has only self-service seats.
 */

/** Records a self-service purchase; the pool is untouched until it is taken over. */
export async function addSelfServiceSubscription(
  db: Db,
  purchase: { tenantId: string; skuId: string; partNumber: string; quantity: number },
  at: Date,
): Promise<void> {
  const stamp = toDbDate(at);
  await db
    .insertInto('Subscription')
    .values({
      id: randomUUID(),
      tenantId: purchase.tenantId,
      skuId: purchase.skuId,
      partNumber: purchase.partNumber,
      quantity: purchase.quantity,
      selfService: toDbBool(true),
      createdAt: stamp,
      updatedAt: stamp,
    })
    .execute();
}

/** Seats of self-service subscriptions not taken over yet, per product. */
export async function selfServiceSeats(db: Db, tenantId: string): Promise<{ skuId: string; partNumber: string; quantity: number }[]> {
  const rows = await db
    .selectFrom('Subscription')
    .select((eb) => ['skuId', 'partNumber', eb.fn.sum<number>('quantity').as('quantity')])
    .where('tenantId', '=', tenantId)
    .where('selfService', '=', toDbBool(true))
    .where('status', '=', 'active')
    .groupBy(['skuId', 'partNumber'])
    .execute();
  return rows.map((row) => ({ skuId: row.skuId, partNumber: row.partNumber, quantity: Number(row.quantity) }));
}

/** Takes over a product's self-service subscriptions: their seats join the pool. Returns how many seats. */
export async function takeOverSelfService(db: Db, tenantId: string, skuId: string, at: Date): Promise<{ seats: number; pool: PoolRecord | null }> {
  await requireOrganizationLock(db, tenantId, 'takeOverSelfService');
  const taken = await db
    .updateTable('Subscription')
    .set({ selfService: toDbBool(false), updatedAt: toDbDate(at) })
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .where('selfService', '=', toDbBool(true))
    .where('status', '=', 'active')
    .returning(['quantity', 'partNumber'])
    .execute();
  const seats = taken.reduce((sum, row) => sum + row.quantity, 0);
  const partNumber = taken[0]?.partNumber;
  if (seats > 0 && partNumber) {
    await db
      .insertInto('LicensePool')
      .values({ tenantId, skuId, partNumber, total: seats, assigned: 0 })
      .onConflict((conflict) =>
        conflict.columns(['tenantId', 'skuId']).doUpdateSet((eb) => ({ total: sql<number>`${eb.ref('LicensePool.total')} + ${eb.ref('excluded.total')}` })),
      )
      .execute();
    await ensureProductSettings(db, tenantId, [skuId], at);
  }
  return { seats, pool: await licensePool(db, tenantId, skuId) };
}

/**
 * Sets a product's number of seats in one conditional UPDATE (`assigned <= quantity`), so a
 * concurrent assignment cannot leave more assigned than bought; then the admin subscriptions are
 * brought to the same sum (newest first). Null when refused (the pool as it is comes with it).
 */
export async function setSeatTotal(
  db: Db,
  tenantId: string,
  skuId: string,
  quantity: number,
  at: Date,
): Promise<{ changed: boolean; before: number; pool: PoolRecord | null }> {
  await requireOrganizationLock(db, tenantId, 'setSeatTotal');
  const current = await licensePool(db, tenantId, skuId);
  if (!current) return { changed: false, before: 0, pool: null };
  const result = await db
    .updateTable('LicensePool')
    .set({ total: quantity })
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .where('assigned', '<=', quantity)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return { changed: false, before: current.total, pool: await licensePool(db, tenantId, skuId) };
  // Fewer seats bought may take the product below its alert threshold; more may take it back above.
  await rearmIfAbove(db, tenantId, [skuId]);
  await alertIfBelow(db, tenantId, [skuId], at);
  const subscriptions = await db
    .selectFrom('Subscription')
    .select(['id', 'quantity'])
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .where('selfService', '=', toDbBool(false))
    .where('status', '=', 'active')
    .orderBy('createdAt', 'desc')
    .execute();
  let delta = quantity - subscriptions.reduce((sum, s) => sum + s.quantity, 0);
  const stamp = toDbDate(at);
  for (const subscription of subscriptions) {
    if (delta === 0) break;
    const next = Math.max(subscription.quantity + delta, 0);
    delta -= next - subscription.quantity;
    await db
      .updateTable('Subscription')
      .set({ quantity: next, updatedAt: stamp, ...(next === 0 ? { status: 'cancelled' } : {}) })
      .where('id', '=', subscription.id)
      .execute();
  }
  return { changed: true, before: current.total, pool: await licensePool(db, tenantId, skuId) };
}

/** The users holding a product: the first `limit` by display name, and how many in all. */
export async function usersHoldingProduct(
  db: Db,
  tenantId: string,
  skuId: string,
  limit: number,
): Promise<{ users: { id: string; userPrincipalName: string; displayName: string }[]; count: number }> {
  const users = await db
    .selectFrom('LicenseAssignment as a')
    .innerJoin('DirectoryUser as u', 'u.id', 'a.userId')
    .select(['u.id', 'u.userPrincipalName', 'u.displayName'])
    .where('a.tenantId', '=', tenantId)
    .where('a.skuId', '=', skuId)
    .orderBy('u.displayName')
    .limit(limit)
    .execute();
  const row = await db
    .selectFrom('LicenseAssignment')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('skuId', '=', skuId)
    .executeTakeFirstOrThrow();
  return { users, count: Number(row.n) };
}
