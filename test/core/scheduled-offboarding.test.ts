import { afterEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { OFFBOARD_DELETE_JOB, OFFBOARD_JOB, scheduleOffboarding } from '../../src/core/schedules/offboarding.js';
import { cancelScheduledChange, listScheduledChanges } from '../../src/core/schedules/scheduled-changes.js';
import { zonedDayAt } from '../../src/core/schedules/schedule-time.js';
import { setScheduleHour, setTimeZone } from '../../src/core/tenant/schedule-settings.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { findJob } from '../../src/store/jobs.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { describeOnEachDatabase } from '../support/databases.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/*
 * Scheduled offboarding (issue 17 item 3): on the last day, at the organization's hour in its time
 * zone, sign-in blocked, the password reset to one nobody has, the licenses taken, and the user
 * deleted N days later when asked; run once even when Roster was stopped at that moment.
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
const USER_ADMIN = 'U0UADMIN';

async function setUp(kind: DatabaseKind = 'sqlite') {
  clock = START;
  db = await createTestDatabase(now, { kind });
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
  const ana = await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  return ana;
}

async function userRow(upn: string) {
  return db.db
    .selectFrom('DirectoryUser')
    .select(['id', 'accountEnabled', 'passwordHash', 'deletedAt'])
    .where('userPrincipalName', '=', upn)
    .executeTakeFirstOrThrow();
}

describe('the time zone and the hour', () => {
  it('turns a day at the hour in a zone into its moment, daylight saving included, and refuses unknown zones', async () => {
    expect(zonedDayAt('2027-01-15', 9, 'Europe/Paris').toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(zonedDayAt('2027-07-15', 9, 'Europe/Paris').toISOString()).toBe('2027-07-15T07:00:00.000Z');
    expect(zonedDayAt('2027-07-15', 9, 'America/New_York').toISOString()).toBe('2027-07-15T13:00:00.000Z');
    expect(zonedDayAt('2027-07-15', 0, 'UTC').toISOString()).toBe('2027-07-15T00:00:00.000Z');
    await setUp();
    expect(await setTimeZone(db.ctx, OWNER, 'Mars/Olympus')).toMatchObject({ ok: false, fields: [{ field: 'timeZone' }] });
    expect(await setTimeZone(db.ctx, OWNER, 'europe/paris')).toMatchObject({ ok: true, timeZone: 'Europe/Paris' });
    expect(await setScheduleHour(db.ctx, OWNER, '24')).toMatchObject({ ok: false, fields: [{ field: 'scheduleHour' }] });
    expect(await setScheduleHour(db.ctx, OWNER, '07:00')).toMatchObject({ ok: true, hour: 7 });
    const helpdesk = { teamId: OWNER.teamId, operator: 'hal', roles: ['helpdesk_admin' as const] };
    expect(await setTimeZone(db.ctx, helpdesk, 'UTC')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', 'in', ['tenant.time_zone', 'tenant.schedule_hour']))).toBe(2);
  });
});

describeOnEachDatabase('scheduled offboarding', (kind) => {
  it('runs once at the next start when its moment passed while Roster was stopped, and deletes N days later', async () => {
    const ana = await setUp(kind);
    await setTimeZone(db.ctx, OWNER, 'Europe/Paris');
    const scheduled = await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-05', deleteAfterDays: 10 });
    if (!scheduled.ok) throw new Error(scheduled.message);
    expect(scheduled.runAt.toISOString()).toBe('2027-03-05T08:00:00.000Z');
    const before = await userRow(ana.upn);
    // Roster runs for a while before the day: nothing happens.
    await db.runtime.start();
    await db.runtime.jobs.idle();
    expect((await findJob(db.db, scheduled.jobId))?.status).toBe('queued');
    await db.runtime.shutdown();
    // Stopped past the moment; started again: it runs once.
    clock = new Date('2027-03-07T12:00:00Z');
    second = await createRuntime({ databaseUrl: db.url, now, logger: createLogger('error', () => undefined), secretKey: db.runtime.secretKey() });
    await second.start();
    const done = await waitForJob(second.core.db, scheduled.jobId, 'succeeded');
    expect(done.attempts).toBe(1);
    expect(done.result).toMatchObject({
      userPrincipalName: ana.upn,
      blocked: true,
      licensesRemoved: [BASIC.displayName],
      deleteAt: '2027-03-17T12:00:00.000Z',
    });
    const after = await second.core.db
      .selectFrom('DirectoryUser')
      .select(['id', 'accountEnabled', 'passwordHash'])
      .where('userPrincipalName', '=', ana.upn)
      .executeTakeFirstOrThrow();
    expect(Boolean(after.accountEnabled)).toBe(false);
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(await countRows(second.core.db, 'LicenseAssignment', (q) => q.where('userId', '=', after.id))).toBe(0);
    // Nobody is given the new password: no credential is held, the only notice is the summary.
    expect(await countRows(second.core.db, 'PendingCredential')).toBe(0);
    const notices = await second.core.db.selectFrom('Job').select(['payload']).where('kind', '=', 'notice').execute();
    expect(notices.map((n) => JSON.parse(String(n.payload)).member)).toEqual([OWNER.slackUserId]);
    expect(String(notices[0]?.payload)).toContain(`Offboarded ${ana.upn}`);
    const audit = await second.core.db.selectFrom('AuditRecord').select(['action', 'actorSlackUserId']).where('targetUserId', '=', after.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.offboard_scheduled', 'user.block', 'user.password_reset', 'user.licenses']));
    expect(new Set(audit.map((a) => a.actorSlackUserId))).toEqual(new Set([OWNER.slackUserId]));
    // The delete is listed as scheduled, and runs on its day.
    const listed = await listScheduledChanges(second.core, OWNER);
    expect(listed.ok && listed.changes.map((c) => [c.kind, c.userPrincipalName])).toEqual([['delete', ana.upn]]);
    const deleteJob = await second.core.db.selectFrom('Job').select('id').where('kind', '=', OFFBOARD_DELETE_JOB).executeTakeFirstOrThrow();
    clock = new Date('2027-03-18T00:00:00Z');
    second.jobs.nudgeAt(clock);
    await waitForJob(second.core.db, deleteJob.id, 'succeeded');
    expect(await countRows(second.core.db, 'DirectoryUser', (q) => q.where('id', '=', after.id).where('deletedAt', 'is not', null))).toBe(1);
    expect(await countRows(second.core.db, 'Job', (q) => q.where('kind', '=', OFFBOARD_JOB))).toBe(1);
  });

  it('tells the manager linked to Slack when it is scheduled and, once done, what happened to their report (no password); a dry run tells nobody', async () => {
    const ana = await setUp(kind);
    const MANAGER = 'U0MANAGER';
    await makeUser(db.ctx, 'max', { slackUserId: MANAGER });
    const managed = await editUser(db.ctx, OWNER, { userId: ana.id }, { manager: { username: 'max' } });
    if (!managed.ok) throw new Error(managed.message);
    const notices = async () =>
      (await db.db.selectFrom('Job').select(['payload']).where('kind', '=', 'notice').orderBy('createdAt').execute()).map(
        (n) => JSON.parse(String(n.payload)) as { member: string; text: string },
      );
    expect((await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-05', dryRun: true })).ok).toBe(true);
    expect(await notices()).toEqual([]);
    const scheduled = await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-05', deleteAfterDays: 10 });
    if (!scheduled.ok) throw new Error(scheduled.message);
    expect(await notices()).toEqual([
      { member: MANAGER, text: expect.stringContaining(`IT scheduled the offboarding of your report ana Test (${ana.upn}): their last day is 2027-03-05.`) },
    ]);
    clock = new Date('2027-03-05T10:00:00Z');
    await db.runtime.start();
    await waitForJob(db.db, scheduled.jobId, 'succeeded');
    const sent = await notices();
    expect(sent.map((n) => n.member)).toEqual([MANAGER, OWNER.slackUserId, MANAGER]);
    const summary = sent[2]!.text;
    expect(summary).toContain(`Your report ana Test (${ana.upn}) was offboarded on their last day, 2027-03-05`);
    expect(summary).toContain(`licenses removed: ${BASIC.displayName}`);
    expect(summary).toContain('to be deleted on 2027-03-15');
    expect(summary).not.toMatch(/password:|temporary password/i);
  });

  it('tells no manager who is not linked to Slack, nor one who is the scheduler', async () => {
    const ana = await setUp(kind);
    const owner = await db.db.selectFrom('DirectoryUser').select('id').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow();
    expect((await editUser(db.ctx, OWNER, { userId: ana.id }, { manager: { userId: owner.id } })).ok).toBe(true);
    const bob = await makeUser(db.ctx, 'bob');
    const unlinked = await makeUser(db.ctx, 'una');
    expect((await editUser(db.ctx, OWNER, { userId: bob.id }, { manager: { userId: unlinked.id } })).ok).toBe(true);
    expect((await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-05' })).ok).toBe(true);
    expect((await scheduleOffboarding(db.ctx, OWNER, { user: { username: bob.upn }, lastDay: '2027-03-05' })).ok).toBe(true);
    clock = new Date('2027-03-05T10:00:00Z');
    await db.runtime.start();
    await db.runtime.jobs.idle();
    const members = (await db.db.selectFrom('Job').select(['payload']).where('kind', '=', 'notice').execute()).map((n) => JSON.parse(String(n.payload)).member);
    expect(members).toEqual([OWNER.slackUserId, OWNER.slackUserId]);
  });

  it('is cancelled until it runs, then nothing happens on the day; a change replaces it', async () => {
    const ana = await setUp(kind);
    const first = await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-05' });
    if (!first.ok) throw new Error(first.message);
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-06' })).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('scheduled already'),
    });
    const changed = await scheduleOffboarding(db.ctx, OWNER, { user: { username: ana.upn }, lastDay: '2027-03-09', replacing: first.jobId });
    if (!changed.ok) throw new Error(changed.message);
    expect((await findJob(db.db, first.jobId))?.status).toBe('cancelled');
    const dry = await cancelScheduledChange(db.ctx, OWNER, changed.jobId, { dryRun: true });
    expect(dry).toMatchObject({ ok: true, dryRun: true });
    expect((await findJob(db.db, changed.jobId))?.status).toBe('queued');
    expect(await cancelScheduledChange(db.ctx, OWNER, changed.jobId)).toMatchObject({ ok: true });
    expect(await cancelScheduledChange(db.ctx, OWNER, changed.jobId)).toMatchObject({ ok: false, code: 'not_found' });
    clock = new Date('2027-03-10T00:00:00Z');
    await db.runtime.start();
    await db.runtime.jobs.idle();
    expect(Boolean((await userRow(ana.upn)).accountEnabled)).toBe(true);
    const listed = await listScheduledChanges(db.ctx, OWNER);
    expect(listed.ok && listed.changes).toEqual([]);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', 'in', ['user.offboard_changed', 'user.offboard_cancelled']))).toBe(2);
  });

  it('fails with a clear message to the scheduler who lost their role meanwhile, changing nothing', async () => {
    const ana = await setUp(kind);
    const uadmin = await makeUser(db.ctx, 'uma', { roles: ['user_admin'], slackUserId: USER_ADMIN });
    const actor = { teamId: OWNER.teamId, slackUserId: USER_ADMIN };
    const scheduled = await scheduleOffboarding(db.ctx, actor, { user: { username: ana.upn }, lastDay: '2027-03-05' });
    if (!scheduled.ok) throw new Error(scheduled.message);
    const demoted = await editUser(db.ctx, OWNER, { userId: uadmin.id }, { settings: { roles: [] } });
    if (!demoted.ok) throw new Error(demoted.message);
    clock = new Date('2027-03-06T00:00:00Z');
    await db.runtime.start();
    const failed = await waitForJob(db.db, scheduled.jobId, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toContain(`The offboarding of ${ana.upn} (last day 2027-03-05) did not run: you may no longer do it.`);
    const row = await userRow(ana.upn);
    expect(Boolean(row.accountEnabled)).toBe(true);
    expect(await countRows(db.db, 'LicenseAssignment', (q) => q.where('userId', '=', row.id))).toBe(1);
    const notice = await db.db.selectFrom('Job').select('payload').where('kind', '=', 'notice').executeTakeFirstOrThrow();
    expect(JSON.parse(String(notice.payload))).toMatchObject({ member: USER_ADMIN, text: expect.stringContaining('you may no longer do it') });
  });

  it('is refused when scheduling without every permission of its parts, for yourself, or with a bad day', async () => {
    const ana = await setUp(kind);
    const helpdesk = { teamId: OWNER.teamId, operator: 'hal', roles: ['helpdesk_admin' as const] };
    expect(await scheduleOffboarding(db.ctx, helpdesk, { user: { username: ana.upn }, lastDay: '2027-03-05' })).toMatchObject({
      ok: false,
      code: 'forbidden',
      message: expect.stringContaining('To assign licenses you need'),
    });
    const userAdmin = { teamId: OWNER.teamId, operator: 'uma', roles: ['user_admin' as const] };
    expect(await scheduleOffboarding(db.ctx, userAdmin, { user: { username: ana.upn }, lastDay: '2027-03-05', deleteAfterDays: 7 })).toMatchObject({
      ok: true,
    });
    const owner = await db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow();
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: owner.userPrincipalName }, lastDay: '2027-03-05' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    const bo = await makeUser(db.ctx, 'bo');
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-02-28' })).toMatchObject({
      ok: false,
      fields: [{ field: 'lastDay' }],
    });
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-02-30' })).toMatchObject({
      ok: false,
      fields: [{ field: 'lastDay' }],
    });
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-03-05', deleteAfterDays: '0' })).toMatchObject({
      ok: false,
      fields: [{ field: 'deleteAfterDays' }],
    });
    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-03-05', dryRun: true })).toMatchObject({
      ok: true,
      dryRun: true,
    });
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', OFFBOARD_JOB))).toBe(1);
    // The list reads at most what it shows, and counts the rest.
    await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-03-04' });
    const first = await listScheduledChanges(db.ctx, OWNER, 1);
    expect(first.ok && [first.changes.map((c) => c.userPrincipalName), first.total]).toEqual([[bo.upn], 2]);
  });
});
