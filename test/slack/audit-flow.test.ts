import { subHours } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { writeAudit } from '../../src/store/audit.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
type Message = { text: string; blocks: { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string }[] }[]; replace_original?: boolean };

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const { tenantId } = await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
  for (let i = 0; i < 25; i++)
    await writeAudit(r.db.db, { tenantId, actor: 'cli:ops', action: 'view.create', targetType: 'view', summary: `Made view <${i}>` }, subHours(new Date(), i + 1));
});
afterAll(async () => r.stop());

const lines = (message: Message) => message.blocks.filter((b) => b.type === 'section').slice(1).flatMap((b) => b.text!.text.split('\n').filter((l) => l.includes(' · ')));

describe('/users audit', () => {
  it('answers a page of records, newest first, escaped, with Next replacing it by the following page', async () => {
    const res = await r.sim.command('/users', 'audit by:cli:ops', { userId: OWNER, channelId: CHANNEL });
    expect(res.problems).toEqual([]);
    const first = res.body as Message;
    expect(validateMessageBlocks(first.blocks)).toEqual([]);
    expect(lines(first)).toHaveLength(20);
    expect(lines(first)[0]).toContain('`cli:ops` · `view.create` · Made view &lt;0&gt;');
    const next = first.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION.auditNext)!;
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.auditNext, message: { ...first, ts: '1700000000.000100', channel: CHANNEL }, channelId: CHANNEL });
    const call = await r.fake.waitFor('$response_url', { after: before });
    const second = call.args as Message;
    expect(second.replace_original).toBe(true);
    expect(lines(second).map((l) => l.split(' · ').pop())).toEqual([20, 21, 22, 23, 24].map((i) => `Made view &lt;${i}&gt;`));
    expect(second.blocks.flatMap((b) => b.elements ?? []).some((e) => e.action_id === ACTION.auditNext)).toBe(false);
    expect(next.value).toContain('"by":"cli:ops"');
  });

  it('names a filter it does not know, and sets the retention for a Global admin after the ack', async () => {
    const wrong = await r.sim.command('/users', 'audit yesterday', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(wrong.body)).toContain('\\"yesterday\\" is not a filter');
    const set = await r.sim.command('/users', 'audit retention 90', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(set.body)).toContain('Audit records are now kept 90 days (they were kept forever)');
    await r.quiet();
    const row = await r.db.db.selectFrom('Tenant').select('auditRetentionDays').executeTakeFirstOrThrow();
    expect(row.auditRetentionDays).toBe(90);
  });
});
