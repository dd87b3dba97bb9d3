import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterApp } from '../../src/slack/create-app.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { plainText, externalSelect, multiStaticSelect, radio } from '../support/slack-requests.js';
import { startAnotherRoster, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import type { SlackClientSim } from '../support/slack-requests.js';
import { countRows } from '../support/test-db.js';
import { holdWrites } from '../support/held-writes.js';
import { makeUser } from '../lifecycle/helpers.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { ACTION } from '../../src/slack/views/ids.js';

let r: RosterUnderTest;
let hurried: { app: RosterApp; sim: SlackClientSim };
const OWNER = 'U0OWNER';
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const text = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', firstName: 'Olivia', lastName: 'Owner', email: 'olivia@example.com', isOwner: true });
  // A second instance on the same database whose budget before the ack is 0 ms: every Add user
  // submission takes the path a heavily loaded Roster takes (ack "Adding…" first, result later).
  hurried = await startAnotherRoster(r, { ROSTER_ACK_BUDGET_MS: '0' });
});
afterAll(async () => {
  await hurried.app.stop();
  await r.stop();
});

async function openedAfter(index: number) {
  const call = await r.fake.waitFor('views.open', { after: index });
  const view = (call.response as unknown as { view: { id: string } }).view;
  return { id: view.id, view: r.fake.viewRecord(view.id)!.view };
}

describe('a submission whose work is slow still acks in time, and what it made reaches the admin', () => {
  it('setup acks before asking Slack about the requester, even when users.info is rate-limited for 4 s', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'setup', { userId: OWNER });
    const modal = await openedAfter(before);
    r.fake.failNext('users.info', 'ratelimited', { status: 429, retryAfter: 4 });
    const submitted = await r.sim.viewSubmission(
      modal.view,
      { initialDomain: { value: plainText('contoso') }, organizationName: { value: plainText('Contoso') } },
      { userId: OWNER },
    );
    expect(submitted.status).toBe(200);
    expect(text(submitted.body)).toMatch(/Setting up \*Contoso\*/);
    const limited = await r.fake.waitFor((c) => c.method === 'users.info' && c.response.ok === false, { after: before });
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}`, { after: before, timeoutMs: 15_000 });
    expect(dm.at - limited.at).toBeGreaterThanOrEqual(4000);
    expect(text(r.fake.dmsTo(OWNER))).toMatch(/olivia@contoso.onmicrosoft.com/);
    const done = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: before });
    expect(text(done.args.view)).toMatch(/Contoso.*is set up/);
    expect(await countRows(r.db.db, 'Tenant')).toBe(1);
  });

  it('Add user past its budget acks "Checking…" then "Adding…", then shows the review, the result and DMs the credentials', async () => {
    await r.sim.command('/licenses', 'buy business basic 2', { userId: OWNER });
    const before = r.fake.calls().length;
    await hurried.sim.command('/users', 'add', { userId: OWNER });
    const modal = await openedAfter(before);
    const values = {
      firstName: { value: plainText('Ana') },
      lastName: { value: plainText('Silva') },
      alias: { value: plainText('ana') },
      usageLocation: { value: externalSelect('NL') },
      passwordMode: { value: radio('auto') },
      licenses: { value: multiStaticSelect([BASIC.skuId]) },
    };
    const submitted = await hurried.sim.viewSubmission(modal.view, values, { userId: OWNER });
    expect(submitted.status).toBe(200);
    expect(text(submitted.body)).toMatch(/Checking the form/);
    const review = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: before });
    expect(text(review.args.view)).toMatch(/Review and finish.*ana@contoso.onmicrosoft.com/);
    const reviewed = r.fake.calls().length;
    const finished = await hurried.sim.viewSubmission(r.fake.viewRecord(modal.id)!.view, {}, { userId: OWNER });
    expect(text(finished.body)).toMatch(/Adding the user/);
    const result = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: reviewed });
    expect(text(result.args.view)).toMatch(/Temporary password.*ana@contoso.onmicrosoft.com|ana@contoso.onmicrosoft.com.*Temporary password/);
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}` && text(c.args).includes('ana@contoso.onmicrosoft.com'), {
      after: before,
    });

    // The same username again: nothing is added, and the modal says why and what to do.
    const again = r.fake.calls().length;
    await hurried.sim.command('/users', 'add', { userId: OWNER });
    const second = await openedAfter(again);
    await hurried.sim.viewSubmission(second.view, values, { userId: OWNER });
    const refused = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === second.id, { after: again });
    expect(text(refused.args.view)).toMatch(/Nothing was added: .*already taken/);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana'))).toBe(1);
  });
});

describe('a change made after its ack', () => {
  it('Add user: a username taken between Finish and the creation adds nobody; the modal and a DM say so', async () => {
    const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
    const before = r.fake.calls().length;
    await hurried.sim.command('/users', 'add', { userId: OWNER });
    const modal = await openedAfter(before);
    const values = {
      firstName: { value: plainText('Eve') },
      lastName: { value: plainText('Stone') },
      alias: { value: plainText('eve') },
      usageLocation: { value: externalSelect('NL') },
      passwordMode: { value: radio('auto') },
      licenses: { value: multiStaticSelect([BASIC.skuId]) },
    };
    await hurried.sim.viewSubmission(modal.view, values, { userId: OWNER });
    const review = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: before });
    expect(text(review.args.view)).toMatch(/Review and finish.*eve@contoso.onmicrosoft.com/);
    const reviewed = r.fake.calls().length;
    await hurried.sim.viewSubmission(r.fake.viewRecord(modal.id)!.view, {}, { userId: OWNER });
    const result = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: reviewed });
    expect(text(result.args.view)).toMatch(/eve@contoso.onmicrosoft.com/);
    // Someone is quicker: eve@ is made while Roster shows the result (before the creation follows it).
    await makeUser(r.db.ctx, 'eve', {}, owner);
    const refused = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id && /Nothing was added/.test(text(c.args.view)), {
      after: before,
    });
    expect(text(refused.args.view)).toMatch(/already taken/);
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}` && /was not added/.test(text(c.args)), {
      after: before,
    });
    expect(text(dm.args)).toMatch(/eve@contoso.onmicrosoft.com was not added: .*already taken/);
    expect(text(r.fake.calls().slice(before))).not.toContain(ACTION.showPassword);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'eve'))).toBe(1);
  });
});

describe('a change whose ack is late is never made silently (issue 20)', () => {
  it('the restore form, with a restore slower than 3 s: either the user is restored and the credentials reach the admin, or nothing changes and the admin is told', async () => {
    const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
    const dora = await makeUser(r.db.ctx, 'dora', {}, owner);
    expect((await deleteUsers(r.db.ctx, owner, { userIds: [dora.id] })).ok).toBe(true);
    const held = holdWrites(r.db, { table: 'DirectoryUser', column: 'deletedAt' });
    const slow = await startAnotherRoster(r, {}, undefined, undefined, held.db);
    try {
      const before = r.fake.calls().length;
      await slow.sim.command('/users', `restore ${dora.upn}`, { userId: OWNER });
      const form = await openedAfter(before);
      held.arm();
      const submitting = slow.sim.viewSubmission(form.view, { alias: { value: plainText('dora') } }, { userId: OWNER });
      await held.held;
      // What Slack got back (the answer, or Bolt's own 404 once 3 s passed) while the restore waits.
      const submitted = await submitting;
      held.release();
      const told = await r.fake.waitFor(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.args.channel === `D${OWNER}` &&
          (text(c.args).includes(ACTION.showPassword) || /nothing was changed/i.test(text(c.args))),
        { after: before, timeoutMs: 10_000 },
      );
      const row = await r.db.db.selectFrom('DirectoryUser').select('deletedAt').where('id', '=', dora.id).executeTakeFirstOrThrow();
      if (row.deletedAt === null) {
        expect(text(told.args)).toContain(ACTION.showPassword);
        expect(text(told.args)).toContain('dora@contoso.onmicrosoft.com');
      } else {
        expect(submitted.status).not.toBe(200);
        expect(text(told.args)).toMatch(/nothing was changed.*Try again/i);
      }
    } finally {
      held.release();
      await slow.app.stop();
    }
  });
});
