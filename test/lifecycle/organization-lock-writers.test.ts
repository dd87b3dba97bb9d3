import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport, startImport, verifyImport } from '../../src/core/bulk/index.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { changeDomain } from '../../src/core/domains/change-domains.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { setUserLicenses } from '../../src/core/licenses/set-user-licenses.js';
import { recordSelfService, takeOverSubscription } from '../../src/core/licenses/take-over-subscription.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { inTransaction } from '../../src/store/database.js';
import { lockOrganization } from '../../src/store/organization-lock.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { BASIC, makeUser } from './helpers.js';

/*
 * Every transaction that writes an organization's seats or users takes the organization's lock
 * first (store/organization-lock.ts), so on PostgreSQL they run one after the other as on SQLite.
 * Held by another transaction, the lock keeps each of these writers waiting, and none of them
 * writes before it is released (these are the ones that took no lock before issue 15 item 2:
 * purchases, quantities, take-overs, a user's licenses set, users added or invited, licenses given
 * back on restore, an import's batches, domains).
 */
const BI = productByPartNumber('POWER_BI_PRO')!;
/** The advisory lock class of an organization's lock (postgres-driver.ts ORGANIZATION_LOCK). */
const ORGANIZATION_LOCK = 0x526f7374;

describe.skipIf(!testPostgresUrl)("the writers of an organization's directory wait for its lock (PostgreSQL)", () => {
  let db: TestDatabase;
  let tenantId: string;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
    tenantId = (await seedTenant(db.ctx)).tenantId;
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
  });
  afterEach(async () => db.destroy());

  /** How many transactions wait for this organization's lock now (PostgreSQL's view of its locks). */
  async function waiting(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2
        AND classid = ${ORGANIZATION_LOCK}::bigint::oid AND objid::text::bigint = (hashtext(${tenantId})::bigint & 4294967295)`.execute(db.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** Runs `writers` while another transaction holds the lock: each waits, none ends, until it is released. */
  async function whileLocked(writers: (() => Promise<{ ok: boolean }>)[]): Promise<{ ok: boolean }[]> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holder = inTransaction(db.db, async (tx) => {
      await lockOrganization(tx, tenantId);
      held();
      await released;
    });
    await holding;
    let ended = 0;
    const running = writers.map((writer) => writer().finally(() => ended++));
    while ((await waiting()) < writers.length) {
      expect(ended).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(ended).toBe(0);
    release();
    await holder;
    return Promise.all(running);
  }

  it('purchases, quantities, take-overs, licenses set, users added and invited', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    await recordSelfService(db.ctx, OWNER, { product: BI.partNumber, quantity: 2 });
    const results = await whileLocked([
      () => buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 1 }),
      () => changeQuantity(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 12 }),
      () => takeOverSubscription(db.ctx, OWNER, { product: BI.partNumber }),
      () => setUserLicenses(db.ctx, OWNER, kim.id, [{ skuId: BASIC.skuId, disabledPlans: [] }]),
      () =>
        makeUser(db.ctx, 'lee', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }).then(
          () => ({ ok: true }),
          () => ({ ok: false }),
        ),
      () => inviteGuest(db.ctx, OWNER, { email: 'gus@fabrikam.com' }),
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, true, true, true]);
  });

  it('a restore and the licenses it gives back, an import, a domain added', async () => {
    const ann = await makeUser(db.ctx, 'ann', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    expect((await deleteUsers(db.ctx, OWNER, { usernames: [ann.upn] })).ok).toBe(true);
    const file = path.join(tmpdir(), `people-${process.pid}-${Date.now()}.csv`);
    const header =
      'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';
    writeFileSync(file, `${header}\r\nimp1@contoso.onmicrosoft.com,Imp,One,Imp One,,,,,,,,,,,,\r\n`);
    const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'people.csv', fileId: 'FLOCK' });
    if (!verified.ok || !verified.preview.jobId) throw new Error(`the preview failed: ${JSON.stringify(verified)}`);
    const jobId = verified.preview.jobId;
    const settings = { signInAllowed: true, usageLocation: 'NL', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }], recipients: [] };
    const started = await startImport(db.ctx, OWNER, jobId, { ...settings, whenSeatsRunOut: 'create_unlicensed' });
    if (!started.ok) throw new Error(started.message);
    const results = await whileLocked([
      async () => {
        const restored = await restoreUser(db.ctx, OWNER, { user: ann.upn });
        return { ok: restored.ok && restored.licensesGiven.length === 1 };
      },
      async () => ({ ok: (await runImport(db.ctx, jobId, file)).created === 1 }),
      () => changeDomain(db.ctx, OWNER, 'add', 'fabrikam.com'),
    ]);
    rmSync(file, { force: true });
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });
});
