import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPayload, signSlackRequest } from '../support/slack-requests.js';
import { SIGNING_SECRET, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { countRows } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';

beforeAll(async () => {
  r = await startRosterUnderTest({ bootstrapAdmins: [OWNER] });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner' });
});
afterAll(async () => r.stop());

function setupCommandBody(): string {
  const trigger = r.fake.issueTriggerId({ userId: OWNER });
  return new URLSearchParams(commandPayload({ teamId: r.fake.teamId }, { command: '/users', text: 'setup', userId: OWNER, triggerId: trigger })).toString();
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('every Slack request is verified', () => {
  it('answers 401 to a bad signature and does nothing', async () => {
    const body = setupCommandBody();
    const signed = signSlackRequest('0'.repeat(32), body);
    const res = await r.sim.raw(body, { ...form, ...signed });
    expect(res.status).toBe(401);
    expect(r.fake.calls('views.open')).toHaveLength(0);
  });

  it('answers 401 to a correctly signed request older than 5 minutes (a replay) and does nothing', async () => {
    const body = setupCommandBody();
    const res = await r.sim.raw(body, { ...form, ...signSlackRequest(SIGNING_SECRET, body, nowSeconds() - 5 * 60 - 10) });
    expect(res.status).toBe(401);
    expect(r.fake.calls('views.open')).toHaveLength(0);
  });

  it('answers 401 when the signature headers are missing, or the body was changed after signing', async () => {
    const body = setupCommandBody();
    expect((await r.sim.raw(body, form)).status).toBe(401);
    const signed = signSlackRequest(SIGNING_SECRET, body);
    expect((await r.sim.raw(body.replace('setup', 'add'), { ...form, ...signed })).status).toBe(401);
    expect(r.fake.calls('views.open')).toHaveLength(0);
  });

  it('accepts the same request correctly signed and current (the bootstrap admin gets the setup form)', async () => {
    const body = setupCommandBody();
    const res = await r.sim.raw(body, { ...form, ...signSlackRequest(SIGNING_SECRET, body) });
    expect(res.status).toBe(200);
    const opened = await r.fake.waitFor('views.open');
    expect(JSON.stringify(opened.args)).toMatch(/Set up Roster/);
    expect(await countRows(r.db.db, 'Tenant')).toBe(0);
  });

  it('serves GET /healthz with 200 once the database is reachable', async () => {
    const res = await fetch(`${r.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
