import { afterEach, describe, expect, it } from 'vitest';
import { addHours } from 'date-fns';
import { approveRequest } from '../../src/core/approvals/approve-request.js';
import { cancelRequest } from '../../src/core/approvals/cancel-request.js';
import { denyRequest } from '../../src/core/approvals/deny-request.js';
import { expireApprovalRequests } from '../../src/core/approvals/expire-requests.js';
import { listApprovalRequests } from '../../src/core/approvals/list-requests.js';
import { setApprovalPolicy, showApprovalPolicy } from '../../src/core/approvals/approval-policy.js';
import type { MemberActor } from '../../src/core/context.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { addUser } from '../../src/core/users/add-user.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { scheduleOffboarding } from '../../src/core/schedules/offboarding.js';
import { queueBulkAction } from '../../src/core/users/bulk-action-job.js';
import { queueEditMany } from '../../src/core/users/edit-many-job.js';
import { approvalRequestById } from '../../src/store/approvals.js';
import { holdForApproval } from '../../src/core/approvals/request-approval.js';
import { openInput } from '../../src/core/approvals/approval-input.js';
import { identify } from '../../src/core/access/authorize.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { createLogger } from '../../src/log.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/*
 * Two-person approval (issue 17 item 1): a change the policy covers waits as a request until a
 * second admin approves it; then it runs as the requester, checked again against the situation.
 */
let db: TestDatabase;
afterEach(async () => db?.destroy());

const START = new Date('2027-03-01T08:00:00Z');
let clock = START;
const now = () => clock;
const USER_ADMIN: MemberActor = { teamId: OWNER.teamId, slackUserId: 'U0UADMIN' };
const SECOND_GLOBAL: MemberActor = { teamId: OWNER.teamId, slackUserId: 'U0GLOBAL2' };

async function setUp(kind: DatabaseKind) {
  clock = START;
  db = await createTestDatabase(now, { kind });
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
  await makeUser(db.ctx, 'uma', { roles: ['user_admin'], slackUserId: USER_ADMIN.slackUserId });
  await makeUser(db.ctx, 'gia', { roles: ['global_admin'], slackUserId: SECOND_GLOBAL.slackUserId });
  const ana = await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  const bo = await makeUser(db.ctx, 'bo');
  const policy = await setApprovalPolicy(db.ctx, OWNER, { deletes: true, roleGrants: true, seatsAbove: 10, validHours: 24 });
  if (!policy.ok) throw new Error(policy.message);
  return { ana, bo };
}

const active = async (upn: string) => countRows(db.db, 'DirectoryUser', (q) => q.where('userPrincipalName', '=', upn).where('deletedAt', 'is', null));

async function runApproved(runJobId: string) {
  const ended = await db.runtime.jobs.runNow(runJobId);
  expect(ended.status).toBe('succeeded');
}

describeOnEachDatabase('two-person approval', (kind) => {
  it('holds a delete until a second admin approves it; the requester cannot approve it; it runs as the requester, both audited', async () => {
    const { ana } = await setUp(kind);
    const held = await deleteUsers(db.ctx, USER_ADMIN, { usernames: [ana.upn] });
    expect(held).toMatchObject({ ok: false, code: 'pending_approval', message: expect.stringContaining('Pending approval: request') });
    const id = held.ok ? '' : held.requestId!;
    expect(await active(ana.upn)).toBe(1);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'approvals.notify'))).toBe(1);
    // Nobody approves their own request.
    expect(await approveRequest(db.ctx, USER_ADMIN, id)).toMatchObject({
      ok: false,
      code: 'forbidden',
      message: expect.stringContaining('another admin must approve'),
    });
    expect(await denyRequest(db.ctx, USER_ADMIN, id)).toMatchObject({ ok: false, code: 'forbidden' });
    // The requester sees it as theirs (Cancel), the owner as theirs to decide.
    const mine = await listApprovalRequests(db.ctx, USER_ADMIN);
    expect(mine.ok && mine.requests.map((r) => [r.id, r.canCancel, r.canDecide])).toEqual([[id, true, false]]);
    const theirs = await listApprovalRequests(db.ctx, OWNER);
    expect(theirs.ok && theirs.requests[0]).toMatchObject({
      id,
      canDecide: true,
      canCancel: false,
      summary: { lines: [expect.stringContaining(`Delete ${ana.upn}`)] },
    });

    const approved = await approveRequest(db.ctx, OWNER, id);
    if (!approved.ok) throw new Error(approved.message);
    await runApproved(approved.runJobId);
    expect(await active(ana.upn)).toBe(0);
    const record = await approvalRequestById(db.db, id);
    expect(record).toMatchObject({ status: 'done', decidedBy: OWNER.slackUserId, outcome: expect.stringContaining(`Deleted ${ana.upn}`) });
    const audit = await db.db
      .selectFrom('AuditRecord')
      .select(['action', 'actorSlackUserId as actor'])
      .where('action', 'in', ['user.delete', 'approval.approved', 'approval.done'])
      .execute();
    expect(audit.map((a) => [a.action, a.actor]).sort()).toEqual([
      ['approval.approved', OWNER.slackUserId],
      ['approval.done', OWNER.slackUserId],
      ['user.delete', USER_ADMIN.slackUserId],
    ]);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'approvals.decided'))).toBe(1);
    // Approving again acts no more.
    expect(await approveRequest(db.ctx, SECOND_GLOBAL, id)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('not pending') });
  });

  it('denies a role grant with a reason: nothing changes, and it cannot be approved afterwards', async () => {
    const { bo } = await setUp(kind);
    const held = await editUser(db.ctx, OWNER, { username: bo.upn }, { settings: { roles: ['user_admin'], alternateEmail: 'bo@example.com' } });
    expect(held).toMatchObject({ ok: false, code: 'pending_approval' });
    const id = held.ok ? '' : held.requestId!;
    // A User admin may not give roles, so may not approve giving one either.
    expect(await approveRequest(db.ctx, USER_ADMIN, id)).toMatchObject({
      ok: false,
      code: 'forbidden',
      message: expect.stringContaining('Only an admin allowed to make this change'),
    });
    expect(await denyRequest(db.ctx, SECOND_GLOBAL, id, 'Not before the training')).toMatchObject({ ok: true, request: { status: 'denied' } });
    expect(
      await countRows(db.db, 'RoleAssignment', (q) =>
        q.innerJoin('DirectoryUser as u', 'u.id', 'RoleAssignment.userId').where('u.userPrincipalName', '=', bo.upn),
      ),
    ).toBe(0);
    expect(await approveRequest(db.ctx, SECOND_GLOBAL, id)).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('Denied by <@U0GLOBAL2>: Not before the training'),
    });
    // Adding a user with a role is refused while role grants need approval (a typed password is never held).
    const added = await addUser(db.ctx, OWNER, {
      firstName: 'Cy',
      lastName: 'Test',
      displayName: 'Cy Test',
      alias: 'cy',
      domain: 'contoso.onmicrosoft.com',
      password: { mode: 'custom', value: 'Secret-Pass-123' },
      usageLocation: 'NL',
      roles: ['user_admin'],
      alternateEmail: 'cy@example.com',
    });
    expect(added).toMatchObject({
      ok: false,
      fields: [expect.objectContaining({ field: 'roles', message: expect.stringContaining("second admin's approval") })],
    });
  });

  it('expires a purchase nobody approved in time, and lets the requester cancel another', async () => {
    await setUp(kind);
    const small = await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    expect(small).toMatchObject({ ok: true, total: 15 });
    const held = await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 50 });
    expect(held).toMatchObject({ ok: false, code: 'pending_approval' });
    const id = held.ok ? '' : held.requestId!;
    clock = addHours(START, 23);
    expect(await expireApprovalRequests(db.ctx)).toBe(0);
    clock = addHours(START, 25);
    // Past its time it cannot be approved, even before the sweep marks it.
    expect(await approveRequest(db.ctx, SECOND_GLOBAL, id)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('expired') });
    expect(await expireApprovalRequests(db.ctx)).toBe(1);
    expect(await approvalRequestById(db.db, id)).toMatchObject({ status: 'expired' });
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'approval.expired'))).toBe(1);
    expect(await countRows(db.db, 'Subscription')).toBe(2);

    const other = await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 20 });
    const otherId = other.ok ? '' : other.requestId!;
    expect(await cancelRequest(db.ctx, SECOND_GLOBAL, otherId)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await cancelRequest(db.ctx, OWNER, otherId)).toMatchObject({ ok: true, request: { status: 'cancelled' } });
    expect(await approveRequest(db.ctx, SECOND_GLOBAL, otherId)).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('fails an approved request whose situation changed: the user deleted meanwhile, the requester no longer an admin', async () => {
    const { ana, bo } = await setUp(kind);
    const first = await deleteUsers(db.ctx, USER_ADMIN, { usernames: [ana.upn] });
    const second = await deleteUsers(db.ctx, USER_ADMIN, { usernames: [bo.upn] });
    const [firstId, secondId] = [first, second].map((r) => (r.ok ? '' : r.requestId!));
    // Meanwhile ana is deleted directly (the policy no longer covers deletes for a moment).
    await setApprovalPolicy(db.ctx, OWNER, { deletes: false });
    expect(await deleteUsers(db.ctx, OWNER, { usernames: [ana.upn] })).toMatchObject({ ok: true });
    await setApprovalPolicy(db.ctx, OWNER, { deletes: true });
    const a = await approveRequest(db.ctx, OWNER, firstId!);
    if (!a.ok) throw new Error(a.message);
    await runApproved(a.runJobId);
    expect(await approvalRequestById(db.db, firstId!)).toMatchObject({ status: 'failed', outcome: expect.stringContaining('deleted or removed meanwhile') });
    // The requester loses their role: the approved delete is refused, bo stays.
    const uma = await db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('slackUserId', '=', USER_ADMIN.slackUserId).executeTakeFirstOrThrow();
    await setApprovalPolicy(db.ctx, OWNER, { roleGrants: false });
    expect(await editUser(db.ctx, OWNER, { username: uma.userPrincipalName }, { settings: { roles: [] } })).toMatchObject({ ok: true });
    const b = await approveRequest(db.ctx, OWNER, secondId!);
    if (!b.ok) throw new Error(b.message);
    await runApproved(b.runJobId);
    expect(await approvalRequestById(db.db, secondId!)).toMatchObject({
      status: 'failed',
      outcome: expect.stringContaining('The requester may no longer make this change'),
    });
    expect(await active(bo.upn)).toBe(1);
  });

  it('acts once when two admins approve at the same moment, on two instances', async () => {
    const { ana } = await setUp(kind);
    const held = await deleteUsers(db.ctx, USER_ADMIN, { usernames: [ana.upn] });
    const id = held.ok ? '' : held.requestId!;
    // A second instance on PostgreSQL (two SQLite connections of one process would wait on each other's lock: SQLite has one writer anyway).
    const other =
      kind === 'postgres'
        ? await createRuntime({ databaseUrl: db.url, now, logger: createLogger('error', () => undefined), secretKey: db.runtime.secretKey() })
        : null;
    const there = other?.core ?? db.ctx;
    const answers = await Promise.all([approveRequest(db.ctx, OWNER, id), approveRequest(there, SECOND_GLOBAL, id), approveRequest(there, OWNER, id)]).finally(
      () => other?.shutdown(),
    );
    const won = answers.filter((a) => a.ok);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'conflict')).toBe(true);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'approvals.run'))).toBe(1);
    await db.runtime.jobs.runNow(won[0]!.ok ? won[0]!.runJobId : '');
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.delete'))).toBe(1);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'approval.approved'))).toBe(1);
  });
});

describe('the approval policy', () => {
  it('is set by Global admins only, checks its numbers, and is read by any admin', async () => {
    await setUp('sqlite');
    expect(await setApprovalPolicy(db.ctx, USER_ADMIN, { deletes: false })).toMatchObject({
      ok: false,
      code: 'forbidden',
      message: expect.stringContaining('you need one of these roles: Global admin'),
    });
    expect(await setApprovalPolicy(db.ctx, OWNER, { bulkAbove: 'many', validHours: '0' })).toMatchObject({
      ok: false,
      fields: [expect.objectContaining({ field: 'bulkAbove' }), expect.objectContaining({ field: 'validHours' })],
    });
    expect(await setApprovalPolicy(db.ctx, OWNER, { bulkAbove: '100', seatsAbove: '' })).toMatchObject({
      ok: true,
      policy: { bulkAbove: 100, seatsAbove: null, deletes: true },
    });
    expect(await showApprovalPolicy(db.ctx, USER_ADMIN)).toMatchObject({
      ok: true,
      mayChange: false,
      lines: expect.arrayContaining(['an import or Edit many of more than 100 users']),
    });
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'tenant.approval_policy'))).toBe(2);
  });
});

describe('every path to a covered change asks', () => {
  it('holds a quantity raised above the threshold, a bulk delete and an Edit many above the threshold; refuses a scheduled delete', async () => {
    const { ana, bo } = await setUp('sqlite');
    await setApprovalPolicy(db.ctx, OWNER, { bulkAbove: 1 });
    const raised = await changeQuantity(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 30 });
    expect(raised).toMatchObject({ ok: false, code: 'pending_approval' });
    expect(await changeQuantity(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 15 })).toMatchObject({ ok: true, total: 15 });
    // Meanwhile the quantity changed: the approved raise is refused, naming both numbers.
    const stale = await approveRequest(db.ctx, SECOND_GLOBAL, raised.ok ? '' : raised.requestId!);
    if (!stale.ok) throw new Error(stale.message);
    await runApproved(stale.runJobId);
    expect(await approvalRequestById(db.db, raised.ok ? '' : raised.requestId!)).toMatchObject({
      status: 'failed',
      outcome: expect.stringContaining('has 15 seats now (5 when it was asked)'),
    });

    const bulk = await queueBulkAction(db.ctx, USER_ADMIN, { action: 'delete', users: { ids: [ana.id] } }, { queue: 'app' });
    expect(bulk).toMatchObject({ ok: false, code: 'pending_approval' });
    const approvedBulk = await approveRequest(db.ctx, OWNER, bulk.ok ? '' : bulk.requestId!);
    if (!approvedBulk.ok) throw new Error(approvedBulk.message);
    await runApproved(approvedBulk.runJobId);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'bulk.delete'))).toBe(1);

    const edit = await queueEditMany(db.ctx, USER_ADMIN, { userIds: [ana.id, bo.id], signInAllowed: false, licenses: { mode: 'keep' } }, { queue: 'app' });
    expect(edit).toMatchObject({ ok: false, code: 'pending_approval' });
    const theirs = await listApprovalRequests(db.ctx, OWNER);
    expect(theirs.ok && theirs.requests.find((r) => r.kind === 'edit_many')?.summary.lines).toEqual([
      expect.stringContaining(`Edit 2 users: ${ana.upn}, ${bo.upn}`),
      'Sign-in blocked',
    ]);
    expect(await queueEditMany(db.ctx, USER_ADMIN, { userIds: [bo.id], signInAllowed: false, licenses: { mode: 'keep' } }, { queue: 'app' })).toMatchObject({
      ok: true,
      users: 1,
    });

    expect(await scheduleOffboarding(db.ctx, OWNER, { user: { username: bo.upn }, lastDay: '2027-03-10', deleteAfterDays: 30 })).toMatchObject({
      ok: false,
      fields: [expect.objectContaining({ field: 'deleteAfterDays', message: expect.stringContaining("second admin's approval") })],
    });
  });
});

describe('a request whose input holds a secret', () => {
  it("is stored sealed with Roster's key, bound to its request, and opened only with both", async () => {
    await setUp('sqlite');
    const auth = await identify(db.ctx, OWNER);
    if (!auth.ok) throw new Error(auth.message);
    const held = await holdForApproval(
      db.ctx,
      auth,
      { kind: 'delete_users', input: { via: 'delete', userIds: ['x'], password: 'Typed-Secret-42' }, summary: { title: 't', lines: [] }, secret: true },
      {},
    );
    const id = held?.requestId ?? '';
    const row = await db.db.selectFrom('ApprovalRequest').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.input).not.toContain('Typed-Secret-42');
    expect(Boolean(row.sealed)).toBe(true);
    expect(openInput(db.ctx, id, row.input, true)).toMatchObject({ password: 'Typed-Secret-42' });
    expect(openInput(db.ctx, 'another', row.input, true)).toBeNull();
  });
});
