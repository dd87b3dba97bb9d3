import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { isConsistent, checkConsistency } from '../../src/core/health/check-consistency.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { EDIT_MANY_BATCH } from '../../src/core/users/edit-many-batch.js';
import { EDIT_MANY_JOB, editManyJobResult, queueEditMany, runEditManyJob } from '../../src/core/users/edit-many-job.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { insertDirectoryUsersSkippingTaken } from '../../src/store/directory-users.js';
import { tenantByTeam } from '../../src/store/organizations.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const USERS = EDIT_MANY_BATCH * 3 + 7;
let db: TestDatabase;
const upn = (i: number) => `m${String(i).padStart(4, '0')}@contoso.onmicrosoft.com`;

beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: USERS });
  const tenant = (await tenantByTeam(db.db, OWNER.teamId))!;
  await insertDirectoryUsersSkippingTaken(
    db.db,
    Array.from({ length: USERS }, (_, i) => ({
      tenantId: tenant.id,
      userPrincipalName: upn(i),
      alias: upn(i).split('@')[0]!,
      domain: 'contoso.onmicrosoft.com',
      displayName: `Many ${i}`,
      profile: {},
      alternateEmail: null,
      usageLocation: 'NL',
      accountEnabled: true,
      slackUserId: null,
      passwordHash: 'hmac-sha256$test$test',
      forceChangePassword: true,
    })),
    new Date(),
  );
});
afterEach(async () => db.destroy());

describe('Edit many as a job', () => {
  it('stopped at shutdown after its first batch, is finished by another runner: each user edited and audited once, every outcome reported', async () => {
    const usernames = [...Array.from({ length: USERS }, (_, i) => upn(i)), 'nobody@contoso.onmicrosoft.com'];
    const queued = await queueEditMany(
      db.ctx,
      OWNER,
      { usernames, licenses: { mode: 'add', products: [{ skuId: BASIC.skuId, disabledPlans: [] }] } },
      { queue: 'app' },
    );
    if (!queued.ok) throw new Error(queued.message);
    expect(queued.users).toBe(USERS + 1);
    const quiet = createLogger('error', () => undefined);
    const first = await createRuntime({ databaseUrl: db.url, database: db.runtime.database, logger: quiet });
    let steps = 0;
    first.jobs.register({
      kind: EDIT_MANY_JOB,
      run: (job) =>
        runEditManyJob(first.core, {
          ...job,
          progress: job.progress,
          stopRequested: job.stopRequested,
          saveProgress: job.saveProgress,
          // The process is told to stop (SIGTERM) while its first batch is written.
          step: async (work, progress) => {
            const value = await job.step(work, progress);
            if (++steps === 1) void first.jobs.drain();
            return value;
          },
        }),
    });
    const handedBack = await first.jobs.runNow(queued.jobId);
    expect(handedBack).toMatchObject({ status: 'queued', attempts: 0, progress: { next: EDIT_MANY_BATCH, done: EDIT_MANY_BATCH } });
    await first.shutdown();

    const second = await createRuntime({ databaseUrl: db.url, database: db.runtime.database, logger: quiet });
    second.jobs.register({ kind: EDIT_MANY_JOB, run: (job) => runEditManyJob(second.core, job) });
    const finished = await second.jobs.runNow(queued.jobId);
    await second.shutdown();
    expect(finished).toMatchObject({ status: 'succeeded', result: { done: USERS, notDone: 1, total: USERS + 1 } });
    const result = await editManyJobResult(db.ctx, queued.jobId);
    expect(result.rows).toHaveLength(USERS + 1);
    expect(new Set(result.rows.map((r) => r.userPrincipalName)).size).toBe(USERS + 1);
    expect(result.rows.find((r) => r.userPrincipalName.startsWith('nobody'))).toMatchObject({ done: false, outcome: 'No user with this username.' });
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(USERS);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'users.bulk_update'))).toBe(USERS);
    expect(isConsistent(await checkConsistency(db.ctx))).toBe(true);
  });
});
