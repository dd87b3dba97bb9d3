import { subDays } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueReclaim, RECLAIM_JOB, reclaimJobResult, runReclaimJob } from '../../src/core/licenses/reclaim-job.js';
import { reclaimReport } from '../../src/core/licenses/reclaim-report.js';
import { setInactiveDays } from '../../src/core/licenses/reclaim-settings.js';
import { connectionStatus } from '../../src/core/microsoft/connection-status.js';
import { queueSync, requestSync } from '../../src/core/microsoft/sync-request.js';
import { SCHEDULE_ACTOR } from '../../src/core/jobs/scheduler.js';
import { SIGN_IN_INTERVAL_MS } from '../../src/core/microsoft/sign-in-activity.js';
import { showUser } from '../../src/core/users/show-user.js';
import { toDbDate } from '../../src/store/values.js';
import { BASIC } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { countRows, OWNER } from '../support/test-db.js';
import { connectedWorld, WRITE_PERMISSIONS, type ConnectedWorld } from './tenant-support.js';

// Users' sign-in activity (Graph's signInActivity, not in delta queries) read by the sync in a pass of
// its own, and the reclaim report's "not signed in for N days" that needs it (docs/domain.md).
const READS_SIGN_INS = [...WRITE_PERMISSIONS, 'AuditLog.Read.All'];
const LICENSE = [{ skuId: BASIC.skuId, disabledPlans: [] }];
const SIGN_IN_PAGES = (w: ConnectedWorld) => w.graph.calls().filter((c) => c.path.includes('signInActivity')).length;

let w: ConnectedWorld;
afterEach(async () => w?.close());

async function syncNow(): Promise<void> {
  const asked = await requestSync(w.db.ctx, OWNER);
  if (!asked.ok) throw new Error(asked.message);
  const ended = await w.db.runtime.jobs.runNow(asked.jobId);
  if (ended.status !== 'succeeded') throw new Error(`sync: ${ended.error}`);
}

/** A sync as the schedule runs it (nobody asked: sign-in activity only when its interval has passed). */
async function scheduledSync(): Promise<void> {
  const tenantId = (await w.db.db.selectFrom('DirectoryConnection').select('tenantId').executeTakeFirstOrThrow()).tenantId;
  const queued = await queueSync(w.db.ctx, { tenantId, requestedBy: SCHEDULE_ACTOR, notify: null });
  const ended = await w.db.runtime.jobs.runNow(queued.id);
  if (ended.status !== 'succeeded') throw new Error(`sync: ${ended.error}`);
}

const shownSignIn = async (upn: string) => {
  const shown = await showUser(w.db.ctx, OWNER, upn);
  if (!shown.ok) throw new Error(shown.message);
  return shown.user.signIn;
};

const mirrored = (upn: string) =>
  w.db.db.selectFrom('DirectoryUser').select(['lastSignInAt', 'signInReadAt']).where('upnKey', '=', upn.toLowerCase()).executeTakeFirstOrThrow();

describe('the sync reads sign-in activity', () => {
  it("stores each user's latest sign-in of any kind, tells 'never' from 'not read', pages by nextLink, and reads again only every few hours", async () => {
    w = await connectedWorld({ permissions: READS_SIGN_INS });
    const now = new Date();
    w.graph.tenant.addUser({ userPrincipalName: 'ida@contoso.com' });
    w.graph.tenant.signIn('ida@contoso.com', subDays(now, 40));
    w.graph.tenant.signIn('ida@contoso.com', subDays(now, 2), { interactive: false });
    w.graph.tenant.addUser({ userPrincipalName: 'nev@contoso.com' });
    w.graph.tenant.seedUsers(7, { domain: 'contoso.com' });
    w.graph.setPageSize(4);
    const pagesBefore = SIGN_IN_PAGES(w);
    await syncNow();
    // 10 users, 4 a page: 3 pages, the 2nd and 3rd through Graph's nextLink.
    expect(SIGN_IN_PAGES(w) - pagesBefore).toBe(3);
    expect(new Date((await mirrored('ida@contoso.com')).lastSignInAt!).getTime()).toBe(subDays(now, 2).getTime());
    const nev = await mirrored('nev@contoso.com');
    expect(nev.lastSignInAt).toBeNull();
    expect(nev.signInReadAt).not.toBeNull();
    // A user's details: their last sign-in, or "never" (read, none recorded).
    expect(await shownSignIn('ida@contoso.com')).toMatchObject({ lastSignInAt: subDays(now, 2), lastSignInKnown: true });
    expect(await shownSignIn('nev@contoso.com')).toMatchObject({ lastSignInAt: null, lastSignInKnown: true });
    // Its password expires as the tenant's own policy says, which Roster does not read: no date made up from Roster's setting.
    expect(await shownSignIn('ida@contoso.com')).toMatchObject({ passwordExpiresAt: null, passwordPolicyOf: 'Contoso Ltd' });
    const status = await connectionStatus(w.db.ctx, OWNER);
    expect(status.ok && status.connection?.signInActivity).toEqual({ readAt: expect.any(Date), problem: null });
    // The schedule's next sync minutes later leaves sign-in activity alone; once the interval has passed it reads it.
    const pagesThen = SIGN_IN_PAGES(w);
    await scheduledSync();
    expect(SIGN_IN_PAGES(w)).toBe(pagesThen);
    await w.db.db
      .updateTable('DirectoryConnection')
      .set({ signInTriedAt: toDbDate(new Date(Date.now() - SIGN_IN_INTERVAL_MS)) })
      .execute();
    await scheduledSync();
    expect(SIGN_IN_PAGES(w)).toBe(pagesThen + 3);
  });

  it('a sync stopped in the middle of the pass goes on from the page it was at when retried', async () => {
    w = await connectedWorld({ permissions: READS_SIGN_INS });
    w.graph.tenant.seedUsers(9, { domain: 'contoso.com' });
    w.graph.setPageSize(4);
    const firstPages = () => w.graph.calls().filter((c) => c.path.includes('signInActivity') && !c.path.includes('skiptoken') && c.status === 200).length;
    const before = firstPages();
    // The second page fails on every try of the client: the attempt fails, with the first page written.
    w.graph.failRequests((p) => p.includes('signInActivity') && p.includes('skiptoken'), 6);
    const asked = await requestSync(w.db.ctx, OWNER);
    if (!asked.ok) throw new Error(asked.message);
    const failed = await w.db.runtime.jobs.runNow(asked.jobId);
    expect(failed.status).toBe('queued');
    expect(failed.progress).toMatchObject({ phase: 'signins', signInLink: expect.stringContaining('skiptoken') });
    const read = await w.db.db.selectFrom('DirectoryUser').select('signInReadAt').where('signInReadAt', 'is not', null).execute();
    expect(read.length).toBe(4); // the first page's users (the admin among them); the 9 others not yet
    await w.db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date()) })
      .where('id', '=', asked.jobId)
      .execute();
    const resumed = await w.db.runtime.jobs.runNow(asked.jobId);
    expect(resumed.status, resumed.error ?? '').toBe('succeeded');
    expect(firstPages() - before).toBe(1);
    expect(await countRows(w.db.db, 'DirectoryUser', (q) => q.where('signInReadAt', 'is', null).where('deletedAt', 'is', null))).toBe(0);
    const status = await connectionStatus(w.db.ctx, OWNER);
    expect(status.ok && status.connection?.signInActivity.problem).toBeNull();
  });

  it('a retried sync whose saved page link Graph no longer takes reads the pass again from its first page', async () => {
    w = await connectedWorld({ permissions: READS_SIGN_INS });
    w.graph.tenant.seedUsers(9, { domain: 'contoso.com' });
    w.graph.setPageSize(4);
    const isNextPage = (p: string) => p.includes('signInActivity') && p.includes('skiptoken');
    w.graph.failRequests(isNextPage, 6);
    const asked = await requestSync(w.db.ctx, OWNER);
    if (!asked.ok) throw new Error(asked.message);
    expect((await w.db.runtime.jobs.runNow(asked.jobId)).status).toBe('queued');
    // By the retry the token of the saved link has expired (400), once.
    w.graph.failRequests(isNextPage, 1, 400);
    await w.db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date()) })
      .where('id', '=', asked.jobId)
      .execute();
    const resumed = await w.db.runtime.jobs.runNow(asked.jobId);
    expect(resumed.status, resumed.error ?? '').toBe('succeeded');
    expect(w.graph.calls().filter((c) => isNextPage(c.path) && c.status === 400)).toHaveLength(1);
    expect(await countRows(w.db.db, 'DirectoryUser', (q) => q.where('signInReadAt', 'is', null).where('deletedAt', 'is', null))).toBe(0);
  });

  it('without AuditLog.Read.All the sync succeeds without it, and the connect status says which permission to grant', async () => {
    w = await connectedWorld();
    w.graph.tenant.addUser({ userPrincipalName: 'ida@contoso.com' });
    await syncNow();
    expect(await mirrored('ida@contoso.com')).toEqual({ lastSignInAt: null, signInReadAt: null });
    // Not read is not "never".
    expect(await shownSignIn('ida@contoso.com')).toMatchObject({ lastSignInAt: null, lastSignInKnown: false });
    const status = await connectionStatus(w.db.ctx, OWNER);
    expect(status.ok && status.connection?.lastSyncError).toBeNull();
    expect(status.ok && status.connection?.signInActivity.readAt).toBeNull();
    expect(status.ok && status.connection?.signInActivity.problem).toMatch(/lacks the AuditLog\.Read\.All permission \(application\)/);
    // Granted, the next sync an admin asks for reads it.
    w.graph.setPermissions(w.app.clientId, READS_SIGN_INS);
    await syncNow();
    const after = await connectionStatus(w.db.ctx, OWNER);
    expect(after.ok && after.connection?.signInActivity).toEqual({ readAt: expect.any(Date), problem: null });
    expect((await mirrored('ida@contoso.com')).signInReadAt).not.toBeNull();
  });

  it('on a tenant without Entra ID P1 the sync succeeds without it, and the status says the tenant needs P1', async () => {
    w = await connectedWorld({ permissions: READS_SIGN_INS });
    w.graph.tenant.premium = false;
    await syncNow();
    const status = await connectionStatus(w.db.ctx, OWNER);
    expect(status.ok && status.connection?.lastSyncError).toBeNull();
    expect(status.ok && status.connection?.signInActivity.problem).toMatch(/no Microsoft Entra ID P1 or P2 license/);
    expect(w.graph.calls().some((c) => c.path.includes('signInActivity') && c.status === 403)).toBe(true);
  });
});

describeOnEachDatabase('reclaiming the licenses of inactive users', (kind) => {
  const now = new Date();
  const daysAgo = (n: number) => subDays(now, n).toISOString();

  beforeEach(async () => {
    w = await connectedWorld({ kind, permissions: READS_SIGN_INS });
    const t = w.graph.tenant;
    t.addUser({ userPrincipalName: 'idle@contoso.com', displayName: 'Idle', createdDateTime: daysAgo(300), usageLocation: 'NL', assignedLicenses: LICENSE });
    t.signIn('idle@contoso.com', subDays(now, 97));
    t.addUser({ userPrincipalName: 'busy@contoso.com', displayName: 'Busy', createdDateTime: daysAgo(300), usageLocation: 'NL', assignedLicenses: LICENSE });
    t.signIn('busy@contoso.com', subDays(now, 150));
    t.signIn('busy@contoso.com', subDays(now, 3), { interactive: false });
    t.addUser({ userPrincipalName: 'never@contoso.com', displayName: 'Never', createdDateTime: daysAgo(120), usageLocation: 'NL', assignedLicenses: LICENSE });
    t.addUser({ userPrincipalName: 'newbie@contoso.com', displayName: 'Newbie', createdDateTime: daysAgo(10), usageLocation: 'NL', assignedLicenses: LICENSE });
    t.addUser({ userPrincipalName: 'nolicense@contoso.com', displayName: 'No license', createdDateTime: daysAgo(300) });
    t.addUser({
      userPrincipalName: 'barred@contoso.com',
      displayName: 'Barred',
      createdDateTime: daysAgo(300),
      usageLocation: 'NL',
      accountEnabled: false,
      assignedLicenses: LICENSE,
    });
    t.signIn('barred@contoso.com', subDays(now, 1));
    await syncNow();
  });

  it('proposes licensed users not signed in for N days (or never, created N days ago) with why; not recent, new, unlicensed ones', async () => {
    const report = await reclaimReport(w.db.ctx, OWNER);
    if (!report.ok) throw new Error(report.message);
    expect(report.inactivity).toMatchObject({ state: 'read', days: 90 });
    expect(report.rows.map((r) => [r.userPrincipalName, r.why])).toEqual([
      ['barred@contoso.com', 'sign-in blocked'],
      ['idle@contoso.com', 'no sign-in for 97 days'],
      ['never@contoso.com', 'never signed in, created 120 days ago'],
    ]);
    // N is the organization's: at 100 days Idle is recent enough; at 5 days Busy is not.
    expect(await setInactiveDays(w.db.ctx, OWNER, '100')).toMatchObject({ ok: true, days: 100, before: 90 });
    const longer = await reclaimReport(w.db.ctx, OWNER);
    expect(longer.ok && longer.rows.map((r) => r.userPrincipalName)).toEqual(['barred@contoso.com', 'never@contoso.com']);
    await setInactiveDays(w.db.ctx, OWNER, '2');
    const shorter = await reclaimReport(w.db.ctx, OWNER);
    expect(shorter.ok && shorter.rows.map((r) => r.userPrincipalName)).toContain('busy@contoso.com');
    expect(shorter.ok && shorter.rows.map((r) => r.userPrincipalName)).toContain('newbie@contoso.com');
    expect(await setInactiveDays(w.db.ctx, OWNER, '366')).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await setInactiveDays(w.db.ctx, { ...OWNER, slackUserId: 'U0NOBODY' }, '30')).toMatchObject({ ok: false });
  });

  it('proposes nobody as inactive once the tenant refuses sign-in activity (its dates are no longer current)', async () => {
    w.graph.setPermissions(w.app.clientId, WRITE_PERMISSIONS);
    await syncNow();
    const report = await reclaimReport(w.db.ctx, OWNER);
    if (!report.ok) throw new Error(report.message);
    expect(report.inactivity).toMatchObject({ state: 'not_read', why: expect.stringMatching(/AuditLog\.Read\.All/) });
    expect(report.rows.map((r) => r.userPrincipalName)).toEqual(['barred@contoso.com']);
  });

  it('Reclaim all rechecks each user when reached: one who signed in meanwhile (read by the next sync) keeps their licenses', async () => {
    const queued = await queueReclaim(w.db.ctx, OWNER, { count: 3 }, { queue: 'app' });
    if (!queued.ok) throw new Error(queued.message);
    w.graph.tenant.signIn('idle@contoso.com', new Date());
    await syncNow();
    w.db.runtime.jobs.register({ kind: RECLAIM_JOB, run: (job) => runReclaimJob(w.db.ctx, job) });
    const ended = await w.db.runtime.jobs.runNow(queued.jobId);
    expect(ended.status, ended.error ?? '').toBe('succeeded');
    const result = await reclaimJobResult(w.db.ctx, queued.jobId);
    expect(result.done.map((d) => d.userPrincipalName).sort()).toEqual(['barred@contoso.com', 'never@contoso.com']);
    expect(result.notDone).toEqual([{ userPrincipalName: 'idle@contoso.com', reason: expect.stringContaining('has signed in within the last 90 days') }]);
    // In the tenant first: Never's license is gone there, Idle keeps theirs.
    expect(w.graph.tenant.find('never@contoso.com')!.user.assignedLicenses).toEqual([]);
    expect(w.graph.tenant.find('idle@contoso.com')!.user.assignedLicenses).toHaveLength(1);
    const audit = await w.db.db.selectFrom('AuditRecord').select('summary').where('action', '=', 'user.licenses').execute();
    expect(audit.map((a) => a.summary)).toEqual(
      expect.arrayContaining([expect.stringMatching(/from never@contoso\.com \(never signed in, created 120 days ago\)$/)]),
    );
  });
});
