import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { addUser } from '../../src/core/users/add-user.js';
import { EXPORT_JOB } from '../../src/core/views/export-job.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { findJob } from '../../src/store/jobs.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const HELPDESK = 'U0HELP';
const text = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  r = await startRosterUnderTest();
  for (const id of [OWNER, HELPDESK]) r.fake.seedUser({ id, realName: id });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const setup = await setupTenant(r.db.ctx, owner, {
    organizationName: 'Contoso',
    initialDomain: 'contoso',
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, firstName: 'Olivia', lastName: 'Owner', displayName: 'Olivia Owner' },
  });
  if (!setup.ok) throw new Error(setup.message);
  const hana = await addUser(r.db.ctx, owner, {
    alias: 'hana',
    displayName: 'Hana',
    domain: 'contoso.onmicrosoft.com',
    password: { mode: 'auto' },
    roles: ['helpdesk_admin'],
    alternateEmail: 'hana@example.com',
    slackUserId: HELPDESK,
  });
  if (!hana.ok) throw new Error(hana.message);
});
afterAll(async () => r.stop());

describe('/users jobs', () => {
  it('lists an export that ran, by whom and when, and its DM was sent once', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'export', { userId: OWNER });
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal', { after: before });
    await r.quiet();
    const listed = await r.sim.command('/users', 'jobs', { userId: OWNER });
    expect(text(listed.body)).toMatch(/\*Export a view\*: done/);
    expect(text(listed.body)).toContain(`by <@${OWNER}>`);
    expect(text(listed.body)).toMatch(/<!date\^\d+\^/);
    expect(validateMessageBlocks((listed.body as { blocks: unknown[] }).blocks)).toEqual([]);
    expect(r.fake.uploadedFiles().filter((f) => f.name.startsWith('all-users-'))).toHaveLength(1);
  });

  it('offers Cancel only to who started a job; a queued job is cancelled at once, and nobody else may', async () => {
    const tenant = await r.db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow();
    const later = new Date(Date.now() + 3_600_000);
    const { id } = await enqueue(r.db.ctx, {
      tenantId: tenant.id,
      kind: EXPORT_JOB,
      payload: { actor: { teamId: r.fake.teamId, slackUserId: OWNER }, view: '' },
      requestedBy: OWNER,
      runAt: later,
    });
    const mine = await r.sim.command('/users', 'jobs', { userId: OWNER });
    expect(text(mine.body)).toContain(`"value":"${id}"`);
    const theirs = await r.sim.command('/users', 'jobs', { userId: HELPDESK });
    expect(text(theirs.body)).toMatch(/waiting to run/);
    expect(text(theirs.body)).not.toContain(ACTION.cancelJob);
    // A forged press by someone else is refused by the core.
    let before = r.fake.calls().length;
    await r.sim.blockAction({ userId: HELPDESK, actionId: ACTION.cancelJob, value: id });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${HELPDESK}`, { after: before });
    expect(text(r.fake.dmsTo(HELPDESK))).toContain('Only the admin who started a job can cancel it.');
    expect(await findJob(r.db.db, id)).toMatchObject({ status: 'queued' });
    before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.cancelJob, value: id });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}`, { after: before });
    expect(text(r.fake.dmsTo(OWNER))).toContain('Export a view: cancelled before it started.');
    expect(await findJob(r.db.db, id)).toMatchObject({ status: 'cancelled' });
  });
});
