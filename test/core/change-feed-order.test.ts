import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/context.js';
import { ChangeFeed } from '../../src/core/changes/change-feed.js';
import { createLogger } from '../../src/log.js';
import { insertChangeEvent } from '../../src/store/change-events.js';
import { inTransaction } from '../../src/store/database.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/*
 * The change feed tells each process every change other processes stored (App Homes follow it).
 * A follower reads what was recorded since its last read; it must never pass over a change, even
 * one whose row was numbered before a row it has already read (on PostgreSQL a seq is taken at
 * INSERT and the row appears at COMMIT).
 */
const quiet = createLogger('error', () => undefined);
const change = (what: Change['what'], origin: string) => ({ tenantId: 't1', teamId: 'T1', what, bySlackMember: null, origin });

function follower(db: TestDatabase): { feed: ChangeFeed; told: string[] } {
  const feed = new ChangeFeed(db.db, 'follower', () => new Date(), quiet);
  const told: string[] = [];
  feed.subscribe((heard) => told.push(heard.what));
  return { feed, told };
}

describeOnEachDatabase('the change feed', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
  });
  afterEach(async () => db.destroy());

  it("tells a follower other processes' changes in order, each once, from where it started following", async () => {
    await insertChangeEvent(db.db, change('organization', 'another'), new Date());
    const { feed, told } = follower(db);
    await feed.follow(60_000);
    await insertChangeEvent(db.db, change('users', 'another'), new Date());
    await insertChangeEvent(db.db, change('licenses', 'follower'), new Date());
    await insertChangeEvent(db.db, change('import', 'another'), new Date());
    await feed.readNew();
    await feed.readNew();
    // Its own change was told when it was recorded (not here); the one before it started is not told.
    expect(told).toEqual(['users', 'import']);
    await feed.stop();
  });
});

/** The advisory lock class of the feed's numbering (postgres-driver.ts NUMBER_ORDER_LOCK). */
const NUMBER_ORDER_LOCK = 0x526f7366;

/** Whether a writer waits for this schema's feed lock now (PostgreSQL's view of its locks). */
async function someoneWaits(db: TestDatabase): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2
    AND classid = ${NUMBER_ORDER_LOCK}::bigint::oid AND objid::text::bigint = (hashtext(current_schema())::bigint & 4294967295)`.execute(db.db);
  return Number(rows[0]?.n ?? 0) > 0;
}

describe.skipIf(!testPostgresUrl)('the change feed on PostgreSQL', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
  });
  afterEach(async () => db.destroy());

  it('never lets a lower seq commit after a higher one a follower could read: the second writer takes its seq once the first is visible', async () => {
    const { feed, told } = follower(db);
    await feed.follow(60_000);
    // Writer A records a change in a transaction it has not committed yet (a slow COMMIT).
    let commitA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
    let inserted!: () => void;
    const aInserted = new Promise<void>((resolve) => (inserted = resolve));
    const writerA = inTransaction(db.db, async (tx) => {
      await insertChangeEvent(tx, change('users', 'writer-a'), new Date());
      inserted();
      await aMayCommit;
    });
    await aInserted;
    // Writer B, another process's change meanwhile: it waits for A instead of numbering its row
    // after A's and committing first (a follower reading then would move past A's seq for good).
    let bDone = false;
    const writerB = insertChangeEvent(db.db, change('licenses', 'writer-b'), new Date()).then(() => (bDone = true));
    try {
      while (!bDone && !(await someoneWaits(db))) await new Promise((resolve) => setImmediate(resolve));
      await feed.readNew();
      expect(told).toEqual([]);
      expect(bDone).toBe(false);
    } finally {
      commitA();
      await Promise.all([writerA, writerB]);
    }
    await feed.readNew();
    expect(told).toEqual(['users', 'licenses']);
    const rows = await db.db.selectFrom('ChangeEvent').select(['seq', 'origin']).orderBy('seq').execute();
    expect(rows.map((row) => row.origin)).toEqual(['writer-a', 'writer-b']);
    await feed.stop();
  });
});
