import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterApp } from '../../src/slack/create-app.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { plainText, externalSelect, multiStaticSelect, radio } from '../support/slack-requests.js';
import { startAnotherRoster, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import type { SlackClientSim } from '../support/slack-requests.js';
import { countRows } from '../support/test-db.js';

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

  it('Add user past its budget acks "Adding…", then shows the review and DMs the credentials', async () => {
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
    expect(text(submitted.body)).toMatch(/Adding the user/);
    const review = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: before });
    expect(text(review.args.view)).toMatch(/ana@contoso.onmicrosoft.com/);
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
