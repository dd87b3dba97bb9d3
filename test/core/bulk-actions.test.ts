import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, OperatorActor } from '../../src/core/context.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import type { Role } from '../../src/core/roles.js';
import { MAX_BULK_USERS, type BulkAction, type BulkActionInput } from '../../src/core/users/bulk-action-input.js';
import { BULK_ACTION_JOB, bulkActionJobResult, queueBulkAction, runBulkActionJob, type PasswordKeeper } from '../../src/core/users/bulk-action-job.js';
import { previewBulkAction } from '../../src/core/users/bulk-actions.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC } from '../lifecycle/helpers.js';
import { ACTORS, makeRoleHolders, makeUser } from './user-admin-fixture.js';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

const OPERATOR: OperatorActor = { teamId: TEAM, operator: 'kim', roles: ['global_admin'] };
const licensed = { usageLocation: 'NL', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] };

/** Runs a bulk action as its job does (queued, then run here), with the passwords kept in memory. */
async function runBulk(actor: Actor, input: BulkActionInput) {
  const passwords = new Map<string, string>();
  const keep: PasswordKeeper = async (_tx, notice) => {
    passwords.set(notice.userPrincipalName, notice.temporaryPassword);
    return [];
  };
  const queued = await queueBulkAction(db.ctx, actor, input, { queue: 'app' });
  if (!queued.ok) return { queued, passwords, result: null };
  db.runtime.jobs.register({ kind: BULK_ACTION_JOB[input.action], run: (job) => runBulkActionJob(db.ctx, job, keep) });
  const ended = await db.runtime.jobs.runNow(queued.jobId);
  expect(ended.status, ended.error ?? '').toBe('succeeded');
  return { queued, passwords, result: await bulkActionJobResult(db.ctx, queued.jobId) };
}

const upnOf = async (id: string) =>
  (await db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('id', '=', id).executeTakeFirstOrThrow()).userPrincipalName;
const ownerId = async () => (await db.db.selectFrom('DirectoryUser').select('id').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow()).id;
const audits = (action: string) =>
  db.db
    .selectFrom('AuditRecord')
    .select(['actorSlackUserId as actor', 'targetUserId', 'changedFields'])
    .where('action', '=', action)
    .orderBy('createdAt')
    .execute();

describe('bulk actions apply the single action’s rules to each user', () => {
  it('blocks the users it may and refuses the others with the single action’s reasons, each on their own; audited once per user blocked', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    const bob = await makeUser(db.ctx, 'bob');
    const syn = await makeUser(db.ctx, 'syn');
    expect((await markUserSynced(db.ctx, OWNER, { userId: syn })).ok).toBe(true);
    await db.db.updateTable('DirectoryUser').set({ accountEnabled: 0 }).where('id', '=', bob).execute();
    const me = await ownerId();
    const input: BulkActionInput = { action: 'block', users: { ids: [ana, bob, syn, me, 'no-such-id'] } };

    const preview = await previewBulkAction(db.ctx, OWNER, input);
    const { result } = await runBulk(OWNER, input);
    expect(result!.outcomes).toEqual([
      { name: 'ana@contoso.onmicrosoft.com', userId: ana, done: true, reason: null, note: null },
      { name: 'bob@contoso.onmicrosoft.com', userId: bob, done: true, reason: null, note: 'Already blocked from signing in.' },
      { name: 'syn@contoso.onmicrosoft.com', userId: syn, done: false, reason: expect.stringMatching(/synchronized from your on-premises/), note: null },
      { name: await upnOf(me), userId: me, done: false, reason: expect.stringMatching(/can't block your own sign-in/), note: null },
      { name: 'no-such-id', userId: null, done: false, reason: expect.stringMatching(/no longer exists/), note: null },
    ]);
    // The confirmation said the same, and wrote nothing.
    expect(preview.ok && preview.outcomes).toEqual(result!.outcomes);
    const enabled = await db.db.selectFrom('DirectoryUser').select(['id', 'accountEnabled']).where('id', 'in', [ana, syn, me]).execute();
    expect(Object.fromEntries(enabled.map((u) => [u.id, u.accountEnabled]))).toEqual({ [ana]: 0, [syn]: 1, [me]: 1 });
    expect(await audits('user.block')).toEqual([{ actor: OWNER.slackUserId, targetUserId: ana, changedFields: '["accountEnabled"]' }]);
  });

  it('keeps a Global admin who can sign in: of two Global admins deleted (or blocked) together, the second is refused, in the preview too', async () => {
    const gina = await makeUser(db.ctx, 'gina', { roles: ['global_admin'], alternateEmail: 'gina@example.com' });
    const me = await ownerId();
    for (const action of ['block', 'delete'] as const) {
      const input: BulkActionInput = { action, users: { ids: [me, gina] } };
      const preview = await previewBulkAction(db.ctx, OPERATOR, input);
      expect(preview.ok && preview.outcomes.map((o) => o.done)).toEqual([true, false]);
      expect(preview.ok && preview.outcomes[1]!.reason).toMatch(/last Global admin who can sign in/);
    }
    const { result } = await runBulk(OPERATOR, { action: 'delete', users: { ids: [me, gina] } });
    expect(result!.outcomes.map((o) => [o.done, o.reason])).toEqual([
      [true, null],
      [false, expect.stringMatching(/gina@contoso.onmicrosoft.com is the last Global admin who can sign in/)],
    ]);
    expect(await audits('user.delete')).toEqual([{ actor: 'cli:kim', targetUserId: me, changedFields: '["deletedAt"]' }]);
  });

  it('resets passwords with one generated password each, kept only through the keeper, stored as hashes; the outcomes hold no password', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    const bob = await makeUser(db.ctx, 'bob');
    const { result, passwords } = await runBulk(OWNER, {
      action: 'reset_password',
      users: { usernames: ['ana', 'bob@contoso.onmicrosoft.com', 'ghost'] },
      options: { requirePasswordChange: false },
    });
    expect(result!.outcomes.map((o) => [o.name, o.done])).toEqual([
      ['ana@contoso.onmicrosoft.com', true],
      ['bob@contoso.onmicrosoft.com', true],
      ['ghost', false],
    ]);
    expect(result!.outcomes[2]!.reason).toMatch(/No user ghost in Contoso/);
    expect([...passwords.keys()]).toEqual(['ana@contoso.onmicrosoft.com', 'bob@contoso.onmicrosoft.com']);
    expect(new Set(passwords.values()).size).toBe(2);
    for (const [id, upn] of [
      [ana, 'ana@contoso.onmicrosoft.com'],
      [bob, 'bob@contoso.onmicrosoft.com'],
    ] as const) {
      const row = await db.db.selectFrom('DirectoryUser').select(['passwordHash', 'forceChangePassword']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(await verifyPassword(passwords.get(upn)!, row.passwordHash)).toBe(true);
      expect(row.forceChangePassword).toBe(0);
    }
    const stored =
      JSON.stringify(await db.db.selectFrom('JobOutcome').selectAll().execute()) + JSON.stringify(await db.db.selectFrom('Job').selectAll().execute());
    for (const password of passwords.values()) expect(stored).not.toContain(password);
    expect((await audits('user.password_reset')).map((a) => a.changedFields)).toEqual([
      '["password","forceChangePassword"]',
      '["password","forceChangePassword"]',
    ]);
  });

  it('restores deleted users under their usernames with their licenses back where seats allow; one whose username was taken is refused', async () => {
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
    const ana = await makeUser(db.ctx, 'ana', licensed);
    const bob = await makeUser(db.ctx, 'bob', licensed);
    const cy = await makeUser(db.ctx, 'cy');
    expect((await deleteUsers(db.ctx, OWNER, { userIds: [ana, bob, cy] })).ok).toBe(true);
    await makeUser(db.ctx, 'cy'); // takes cy's username meanwhile
    await makeUser(db.ctx, 'dee', licensed); // takes one of the two seats
    const { result, passwords } = await runBulk(OWNER, { action: 'restore', users: { ids: [ana, bob, cy] } });
    expect(result!.outcomes).toEqual([
      { name: 'ana@contoso.onmicrosoft.com', userId: ana, done: true, reason: null, note: `Licenses given back: ${BASIC.displayName}.` },
      {
        name: 'bob@contoso.onmicrosoft.com',
        userId: bob,
        done: true,
        reason: null,
        note: expect.stringMatching(new RegExp(`^License not given back: ${BASIC.displayName}: No ${BASIC.displayName} licenses are left`)),
      },
      { name: 'cy@contoso.onmicrosoft.com', userId: cy, done: false, reason: expect.stringMatching(/taken.*Restore this user on their own/), note: null },
    ]);
    expect([...passwords.keys()]).toEqual(['ana@contoso.onmicrosoft.com', 'bob@contoso.onmicrosoft.com']);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
    expect((await audits('user.restore')).map((a) => a.targetUserId)).toEqual([ana, bob]);
  });

  it('refuses more than the cap, no user at all, and an actor without the permission, before anything is queued', async () => {
    const many = Array.from({ length: MAX_BULK_USERS + 1 }, (_, i) => `u${i}@contoso.onmicrosoft.com`);
    expect(await queueBulkAction(db.ctx, OWNER, { action: 'delete', users: { usernames: many } }, { queue: 'app' })).toMatchObject({
      ok: false,
      code: 'limit_exceeded',
      message: `At most ${MAX_BULK_USERS} users at once; ${MAX_BULK_USERS + 1} were named. Split the list.`,
    });
    expect(await queueBulkAction(db.ctx, OWNER, { action: 'block', users: { ids: [' '] } }, { queue: 'app' })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
    await makeRoleHolders(db.ctx);
    expect(await queueBulkAction(db.ctx, ACTORS.helpdesk_admin, { action: 'delete', users: { ids: ['x'] } }, { queue: 'app' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(
      await queueBulkAction(
        db.ctx,
        OWNER,
        { action: 'reset_password', users: { ids: ['x'] }, options: { credentialRecipients: ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'] } },
        { queue: 'app' },
      ),
    ).toMatchObject({ ok: false, fields: [{ field: 'credentialRecipients' }] });
    expect(await db.db.selectFrom('Job').select('id').where('kind', 'like', 'bulk.%').execute()).toEqual([]);
  });

  it('goes on after a shutdown from the next user: each user acted on and audited once, every outcome reported', async () => {
    const ids = [];
    for (const alias of ['m1', 'm2', 'm3', 'm4']) ids.push(await makeUser(db.ctx, alias));
    const queued = await queueBulkAction(db.ctx, OWNER, { action: 'delete', users: { ids } }, { queue: 'app' });
    if (!queued.ok) throw new Error(queued.message);
    const quiet = createLogger('error', () => undefined);
    const keep: PasswordKeeper = async () => [];
    const first = await createRuntime({ databaseUrl: db.url, database: db.runtime.database, logger: quiet });
    let steps = 0;
    first.jobs.register({
      kind: BULK_ACTION_JOB.delete,
      run: (job) =>
        runBulkActionJob(
          first.core,
          {
            ...job,
            progress: job.progress,
            stopRequested: job.stopRequested,
            saveProgress: job.saveProgress,
            step: async (work, progress) => {
              const value = await job.step(work, progress);
              if (++steps === 2) void first.jobs.drain();
              return value;
            },
          },
          keep,
        ),
    });
    expect(await first.jobs.runNow(queued.jobId)).toMatchObject({ status: 'queued', progress: { next: 2, total: 4 } });
    await first.shutdown();
    const second = await createRuntime({ databaseUrl: db.url, database: db.runtime.database, logger: quiet });
    second.jobs.register({ kind: BULK_ACTION_JOB.delete, run: (job) => runBulkActionJob(second.core, job, keep) });
    expect(await second.jobs.runNow(queued.jobId)).toMatchObject({ status: 'succeeded', result: { done: 4, refused: 0, total: 4 } });
    await second.shutdown();
    expect((await bulkActionJobResult(db.ctx, queued.jobId)).outcomes.map((o) => o.userId)).toEqual(ids);
    expect((await audits('user.delete')).map((a) => a.targetUserId).sort()).toEqual([...ids].sort());
  });
});

/*
 * Who may act on whom, per user of one bulk action: a sample of the role matrix of
 * test/core/act-on-whom.test.ts (written out, not computed by the code under test).
 */
describe('the role matrix, per user of a bulk action', () => {
  const TARGETS: Role[][] = [['global_admin'], ['user_admin'], []];
  const CASES: [BulkAction, keyof typeof ACTORS, boolean[]][] = [
    ['reset_password', 'helpdesk_admin', [false, false, true]],
    ['reset_password', 'user_admin', [false, true, true]],
    ['block', 'helpdesk_admin', [false, false, true]],
    ['unblock', 'user_admin', [false, true, true]],
    ['delete', 'user_admin', [false, true, true]],
    ['delete', 'global_admin', [true, true, true]],
    ['restore', 'user_admin', [false, true, true]],
  ];
  it.each(CASES)('%s by %s', async (action, actorRole, expected) => {
    await makeRoleHolders(db.ctx);
    const ids: string[] = [];
    for (const [i, roles] of TARGETS.entries()) ids.push(await makeUser(db.ctx, `t${i}`, roles.length ? { roles, alternateEmail: `t${i}@example.com` } : {}));
    if (action === 'unblock') await db.db.updateTable('DirectoryUser').set({ accountEnabled: 0 }).where('id', 'in', ids).execute();
    if (action === 'restore') expect((await deleteUsers(db.ctx, OWNER, { userIds: ids })).ok).toBe(true);
    const { result } = await runBulk(ACTORS[actorRole], { action, users: { ids } });
    expect(result!.outcomes.map((o) => o.done)).toEqual(expected);
    for (const refused of result!.outcomes.filter((o) => !o.done)) expect(refused.reason).toMatch(/Only a Global admin/);
  });
});
