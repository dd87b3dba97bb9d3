/**
 * Security review, issue 20 item 12, in Slack: the Add user and Edit many forms put a display name
 * of only invisible characters, or a control character, on its field (so `/users show` never
 * echoes one), and `/users invite` refuses such a guest name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { plainText, radio } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { countRows } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const text = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner' });
  const setup = await setupTenant(
    r.db.ctx,
    { teamId: r.fake.teamId, slackUserId: OWNER },
    {
      organizationName: 'Contoso',
      initialDomain: 'contoso',
      requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Olivia Owner', email: 'olivia@example.com' },
    },
  );
  if (!setup.ok) throw new Error(setup.message);
});
afterAll(async () => r.stop());

async function openedBy(send: () => Promise<unknown>) {
  const before = r.fake.calls().length;
  await send();
  const call = await r.fake.waitFor('views.open', { after: before });
  const id = (call.response as unknown as { view: { id: string } }).view.id;
  return r.fake.viewRecord(id)!.view;
}

describe('profile text in the Slack forms', () => {
  it('Add user shows an invisible or control-character display name on its field, and adds nobody', async () => {
    const view = await openedBy(() => r.sim.command('/users', 'add', { userId: OWNER }));
    for (const name of ['\u200B\u200D', 'Zed\u0000', 'Zed\u001B[2J']) {
      const submitted = await r.sim.viewSubmission(
        view,
        { displayName: { value: plainText(name) }, alias: { value: plainText('zed') }, passwordMode: { value: radio('auto') } },
        { userId: OWNER },
      );
      expect(submitted.problems).toEqual([]);
      expect(submitted.body).toMatchObject({
        response_action: 'errors',
        errors: { displayName: expect.stringMatching(/has no visible characters|holds a control character/) },
      });
    }
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'zed'))).toBe(0);
  });

  it('Edit many shows a control character on its field before anyone is changed', async () => {
    const view = await openedBy(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    const submitted = await r.sim.viewSubmission(
      view,
      { usernames: { value: plainText('olivia@contoso.onmicrosoft.com') }, jobTitle: { value: plainText('Boss\u0007') } },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    expect(submitted.body).toMatchObject({ response_action: 'errors', errors: { jobTitle: expect.stringMatching(/holds a control character/) } });
  });

  it('/users invite refuses a guest name of only invisible characters', async () => {
    const res = await r.sim.command('/users', 'invite gus@fabrikam.com \u200B\u2060', { userId: OWNER });
    expect(text(res.body)).toMatch(/has no visible characters/);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('userType', '=', 'guest'))).toBe(0);
  });
});
