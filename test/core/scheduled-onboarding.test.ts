import { afterEach, expect, it } from 'vitest';
import { revealCredential } from '../../src/core/credentials/reveal-credential.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { changeStartDate } from '../../src/core/schedules/change-start.js';
import { START_JOB } from '../../src/core/schedules/onboarding.js';
import { START_NOTICES_JOB, startNoticesSchema } from '../../src/core/schedules/run-onboarding.js';
import { cancelScheduledChange, listScheduledChanges } from '../../src/core/schedules/scheduled-changes.js';
import { setTimeZone } from '../../src/core/tenant/schedule-settings.js';
import { addUser } from '../../src/core/users/add-user.js';
import type { AddUserInput } from '../../src/core/users/add-user-input.js';
import { unblockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { showUser } from '../../src/core/users/show-user.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { findJob } from '../../src/store/jobs.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { BASIC, E1, makeUser } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/*
 * Scheduled onboarding (issue 17 item 2): a user added with a later start date is made at once with
 * sign-in blocked, no license and no password anyone knows; on the start date, at the organization's
 * hour in its zone, sign-in is allowed, the licenses assigned as seats allow and a new password is
 * sealed for the recipients. Runs once, at the next start when Roster was stopped at that moment.
 */
let db: TestDatabase;
let second: Runtime | null = null;
afterEach(async () => {
  await second?.shutdown();
  second = null;
  await db?.destroy();
});

const START = new Date('2027-03-01T08:00:00Z');
let clock = START;
const now = () => clock;
const HR = 'U0HR';
const USER_ADMIN = 'U0UADMIN';

async function setUp(kind: DatabaseKind, seats = 2) {
  clock = START;
  db = await createTestDatabase(now, { kind });
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: seats });
  await setTimeZone(db.ctx, OWNER, 'Europe/Paris');
}

const dee = (overrides: Partial<AddUserInput> = {}): AddUserInput => ({
  firstName: 'Dee',
  lastName: 'Start',
  alias: 'dee',
  domain: 'contoso.onmicrosoft.com',
  password: { mode: 'auto' },
  usageLocation: 'NL',
  licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
  credentialRecipients: [HR],
  startDate: '2027-03-05',
  ...overrides,
});

async function userRow(ctx: { db: TestDatabase['db'] }, alias = 'dee') {
  return ctx.db
    .selectFrom('DirectoryUser')
    .select(['id', 'accountEnabled', 'passwordHash', 'forceChangePassword'])
    .where('aliasKey', '=', alias)
    .executeTakeFirstOrThrow();
}

describeOnEachDatabase('scheduled onboarding', (kind) => {
  it('makes the account blocked, unlicensed and without credentials, then starts it once at the next start when the day passed while stopped', async () => {
    await setUp(kind);
    const added = await addUser(db.ctx, OWNER, dee());
    if (!added.ok) throw new Error(added.message);
    expect(added.notice).toBeNull();
    expect(added.start).toMatchObject({ startDate: '2027-03-05', timeZone: 'Europe/Paris', licenses: [BASIC.displayName] });
    // Paris is UTC+1 in March before the clock change: the organization's hour (09:00) is 08:00 UTC.
    expect(added.start?.runAt.toISOString()).toBe('2027-03-05T08:00:00.000Z');
    const before = await userRow(db);
    expect(Boolean(before.accountEnabled)).toBe(false);
    expect(await countRows(db.db, 'LicenseAssignment', (q) => q.where('userId', '=', before.id))).toBe(0);
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
    const shown = await showUser(db.ctx, OWNER, 'dee@contoso.onmicrosoft.com');
    expect(shown.ok && shown.user.startsAt?.toISOString()).toBe('2027-03-05T08:00:00.000Z');
    const listed = await listScheduledChanges(db.ctx, OWNER);
    expect(listed.ok && listed.changes.map((c) => [c.kind, c.userPrincipalName, c.lastDay, c.canChange])).toEqual([
      ['start', 'dee@contoso.onmicrosoft.com', '2027-03-05', true],
    ]);
    // Roster runs before the day: nothing is sent.
    await db.runtime.start();
    await db.runtime.jobs.idle();
    expect((await findJob(db.db, added.start?.jobId ?? ''))?.status).toBe('queued');
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', START_NOTICES_JOB))).toBe(0);
    await db.runtime.shutdown();
    // Stopped past the moment; started again: it runs once.
    clock = new Date('2027-03-07T12:00:00Z');
    second = await createRuntime({ databaseUrl: db.url, now, logger: createLogger('error', () => undefined), secretKey: db.runtime.secretKey() });
    await second.start();
    const done = await waitForJob(second.core.db, added.start?.jobId ?? '', 'succeeded');
    expect(done.attempts).toBe(1);
    expect(done.result).toMatchObject({ allowedNow: true, assigned: [BASIC.displayName], notAssigned: [], credentialsTo: [OWNER.slackUserId, HR] });
    const after = await userRow(second.core);
    expect(Boolean(after.accountEnabled)).toBe(true);
    expect(Boolean(after.forceChangePassword)).toBe(true);
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(await countRows(second.core.db, 'LicenseAssignment', (q) => q.where('userId', '=', after.id))).toBe(1);
    // The credentials are sealed for each recipient, and the password they show signs in.
    const notices = await second.core.db.selectFrom('Job').select('payload').where('kind', '=', START_NOTICES_JOB).execute();
    expect(notices).toHaveLength(1);
    const { held, member } = startNoticesSchema.parse(JSON.parse(String(notices[0]?.payload)));
    expect([held.length, member]).toEqual([2, OWNER.slackUserId]);
    const heldRows = await second.core.db.selectFrom('PendingCredential').select(['id', 'recipient']).execute();
    const forHr = heldRows.find((r) => r.recipient === HR);
    const revealed = await revealCredential(second.core, db.runtime.secretKey(), { teamId: OWNER.teamId, slackUserId: HR }, forHr?.id ?? '');
    if (!revealed.ok || revealed.outcome.kind !== 'revealed') throw new Error('not revealed');
    expect(revealed.outcome.details.occasion).toBe('started');
    expect(await verifyPassword(revealed.outcome.password, after.passwordHash)).toBe(true);
    expect(await countRows(second.core.db, 'Job', (q) => q.where('kind', '=', START_JOB))).toBe(1);
    const audit = await second.core.db.selectFrom('AuditRecord').select('action').where('targetUserId', '=', after.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.create', 'user.unblock', 'user.licenses', 'user.password_reset', 'user.started']));
    const nothingLeft = await listScheduledChanges(second.core, OWNER);
    expect(nothingLeft.ok && nothingLeft.changes).toEqual([]);
  });

  it('on a day with no seat left allows sign-in, assigns what it can and names what it could not', async () => {
    await setUp(kind, 1);
    await buyLicenses(db.ctx, OWNER, { product: E1.partNumber, quantity: 1 });
    const added = await addUser(
      db.ctx,
      OWNER,
      dee({
        licenses: [
          { skuId: BASIC.skuId, disabledPlans: [] },
          { skuId: E1.skuId, disabledPlans: [] },
        ],
      }),
    );
    if (!added.ok) throw new Error(added.message);
    // No seat is held for her meanwhile: another user takes the last Basic one.
    await makeUser(db.ctx, 'eli', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    clock = new Date('2027-03-05T09:00:00Z');
    await db.runtime.start();
    const done = await waitForJob(db.db, added.start?.jobId ?? '', 'succeeded');
    expect(done.result).toMatchObject({
      allowedNow: true,
      assigned: [E1.displayName],
      notAssigned: [{ product: BASIC.displayName, reason: expect.stringMatching(/seat|license/i) }],
    });
    const row = await userRow(db);
    expect(Boolean(row.accountEnabled)).toBe(true);
    expect(await countRows(db.db, 'PendingCredential')).toBe(2);
  });

  it('refuses a past start date, a chosen password or nobody to send to; today means now', async () => {
    await setUp(kind);
    expect(await addUser(db.ctx, OWNER, dee({ startDate: '2027-02-28' }))).toMatchObject({
      ok: false,
      fields: [{ field: 'startDate', message: expect.stringContaining('cannot be in the past') }],
    });
    expect(await addUser(db.ctx, OWNER, dee({ startDate: '2027-02-30' }))).toMatchObject({ ok: false, fields: [{ field: 'startDate' }] });
    expect(await addUser(db.ctx, OWNER, dee({ password: { mode: 'custom', value: 'Correct-Horse-9' } }))).toMatchObject({
      ok: false,
      fields: [{ field: 'password' }],
    });
    const cli = { teamId: OWNER.teamId, operator: 'ops', roles: ['global_admin' as const] };
    expect(await addUser(db.ctx, cli, dee({ credentialRecipients: [] }))).toMatchObject({ ok: false, fields: [{ field: 'credentialRecipients' }] });
    const dry = await addUser(db.ctx, OWNER, dee(), { dryRun: true });
    expect(dry).toMatchObject({ ok: true, notice: null, start: { startDate: '2027-03-05', jobId: null }, review: { signInAllowed: false } });
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', START_JOB))).toBe(0);
    // Today (in Paris) is now: made as without a date, credentials at once.
    const today = await addUser(db.ctx, OWNER, dee({ startDate: '2027-03-01' }));
    expect(today).toMatchObject({ ok: true, start: null, notice: { occasion: 'added' } });
    expect(Boolean((await userRow(db)).accountEnabled)).toBe(true);
  });

  it('is changed, cancelled (the account stays blocked) and cancelled by a delete', async () => {
    await setUp(kind);
    const added = await addUser(db.ctx, OWNER, dee());
    if (!added.ok) throw new Error(added.message);
    const jobId = added.start?.jobId ?? '';
    expect(await changeStartDate(db.ctx, OWNER, jobId, '2027-02-20')).toMatchObject({ ok: false, fields: [{ field: 'startDate' }] });
    const moved = await changeStartDate(db.ctx, OWNER, jobId, '2027-03-10');
    if (!moved.ok) throw new Error(moved.message);
    expect(moved.runAt.toISOString()).toBe('2027-03-10T08:00:00.000Z');
    expect((await findJob(db.db, jobId))?.status).toBe('cancelled');
    expect(await cancelScheduledChange(db.ctx, OWNER, moved.jobId)).toMatchObject({ ok: true, change: { kind: 'start' } });
    clock = new Date('2027-03-11T00:00:00Z');
    await db.runtime.start();
    await db.runtime.jobs.idle();
    expect(Boolean((await userRow(db)).accountEnabled)).toBe(false);
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', 'in', ['user.start_changed', 'user.start_cancelled']))).toBe(2);
    // A user deleted before their start date is not started.
    const bo = await addUser(db.ctx, OWNER, dee({ alias: 'bo', firstName: 'Bo', startDate: '2027-03-20' }));
    if (!bo.ok) throw new Error(bo.message);
    const deleted = await deleteUsers(db.ctx, OWNER, { userIds: [bo.userId] });
    expect(deleted.ok).toBe(true);
    expect((await findJob(db.db, bo.start?.jobId ?? ''))?.status).toBe('cancelled');
  });

  it('is checked again when it runs: a scheduler who lost their role is told and nothing changes', async () => {
    await setUp(kind);
    const uadmin = await makeUser(db.ctx, 'uma', { roles: ['user_admin'], slackUserId: USER_ADMIN });
    const added = await addUser(db.ctx, { teamId: OWNER.teamId, slackUserId: USER_ADMIN }, dee());
    if (!added.ok) throw new Error(added.message);
    const demoted = await editUser(db.ctx, OWNER, { userId: uadmin.id }, { settings: { roles: [] } });
    if (!demoted.ok) throw new Error(demoted.message);
    clock = new Date('2027-03-06T00:00:00Z');
    await db.runtime.start();
    const failed = await waitForJob(db.db, added.start?.jobId ?? '', 'failed');
    expect(failed.error).toContain('The start of dee@contoso.onmicrosoft.com (start date 2027-03-05) did not run: you may no longer do it.');
    expect(Boolean((await userRow(db)).accountEnabled)).toBe(false);
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
    const notice = await db.db.selectFrom('Job').select('payload').where('kind', '=', 'notice').executeTakeFirstOrThrow();
    expect(JSON.parse(String(notice.payload))).toMatchObject({ member: USER_ADMIN });
  });

  it('a user let in by hand before the day gets their licenses on it, and no new password', async () => {
    await setUp(kind);
    const added = await addUser(db.ctx, OWNER, dee());
    if (!added.ok) throw new Error(added.message);
    expect(await unblockUser(db.ctx, OWNER, { userId: added.userId })).toMatchObject({ ok: true });
    const before = await userRow(db);
    clock = new Date('2027-03-05T09:00:00Z');
    await db.runtime.start();
    const done = await waitForJob(db.db, added.start?.jobId ?? '', 'succeeded');
    expect(done.result).toMatchObject({ allowedNow: false, assigned: [BASIC.displayName], credentialsTo: [] });
    expect((await userRow(db)).passwordHash).toBe(before.passwordHash);
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
  });
});
