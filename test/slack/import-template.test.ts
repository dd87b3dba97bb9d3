import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
});
afterAll(async () => r.stop());

const templates = () => r.fake.uploadedFiles().filter((f) => f.name === 'roster-import-template.csv');

describe('the sample CSV in Slack', () => {
  it("/users import template and the import form's Sample CSV button upload the template to the DM", async () => {
    const res = await r.sim.command('/users', 'import template', { userId: OWNER, channelId: 'C0GENERAL1' });
    expect(JSON.stringify(res.body)).toContain('on its way to your DM');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true);
    expect(templates()).toHaveLength(1);
    expect(templates()[0]!.bytes.toString('utf8')).toMatch(/^\uFEFFUser Name,First Name,.*\r\nchris\.green@contoso\.onmicrosoft\.com,/s);
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'import', { userId: OWNER, channelId: 'C0GENERAL1' });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const modal = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importTemplate, view: modal });
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true, { after: pressed });
    expect(templates()).toHaveLength(2);
  });
});
