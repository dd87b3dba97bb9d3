import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { addUser } from '../../src/core/users/add-user.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';
import type { Message } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { plainText } from '../support/slack-requests.js';
import { CHANNEL, MEMBER, OWNER, channelUpload, csvBytes, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

/** "Buy licenses" from an import preview whose seats are short (issue 18 item 11), end to end. */

let r: RosterUnderTest;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const BILLING = 'U0BILLING';
const USER_ADMIN = 'U0USERADMIN';

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 2);
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  for (const [alias, role, member] of [
    ['bill', 'billing_admin', BILLING],
    ['uma', 'user_admin', USER_ADMIN],
  ] as const) {
    r.fake.seedUser({ id: member, realName: alias });
    const added = await addUser(r.db.ctx, owner, {
      displayName: alias,
      alias,
      domain: 'contoso.onmicrosoft.com',
      password: { mode: 'auto' },
      roles: [role],
      alternateEmail: `${alias}@example.com`,
      slackUserId: member,
    });
    if (!added.ok) throw new Error(added.message);
  }
});
afterAll(async () => r.stop());

async function previewOf(name: string, rows: string[], user = OWNER): Promise<Message> {
  const file = r.fake.addFile({ name, user, bytes: csvBytes(rows) });
  const { event, ts } = channelUpload(file, { user });
  const before = r.fake.calls().length;
  await r.sim.event(event);
  return structuredClone(await waitForPreview(r, CHANNEL, ts, before));
}

const current = (message: Message) => r.fake.messagesIn(message.channel).find((m) => m.ts === message.ts)!;
const pool = async () => r.db.db.selectFrom('LicensePool').select(['total', 'assigned']).where('skuId', '=', BASIC.skuId).executeTakeFirstOrThrow();

async function press(preview: Message, userId: string) {
  const before = r.fake.calls().length;
  expect((await r.sim.blockAction({ userId, actionId: ACTION.importBuyLicenses, message: preview })).status).toBe(200);
  const opened = await r.fake.waitFor('views.open', { after: before });
  expect(opened.response.ok, text(opened.response)).toBe(true);
  return r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
}

describe('buying the licenses an import is short of, from its preview', () => {
  let preview: Message;

  it('the preview of an admin who may buy offers "Buy 2 more"; one who may not gets no button', async () => {
    preview = await previewOf('short.csv', [userRow('ann'), userRow('bob'), userRow('cy'), userRow('dee')]);
    expect(validateMessageBlocks(preview.blocks)).toEqual([]);
    expect(text(preview.blocks)).toContain('4 needed, 2 of 2 available :warning: 2 short');
    expect(text(preview.blocks)).toContain('Buy 2 more: Microsoft 365 Business Basic');
    const other = await previewOf('other.csv', [userRow('eve'), userRow('fay'), userRow('gus')], USER_ADMIN);
    expect(text(other.blocks)).toContain(':warning: 1 short');
    expect(text(other.blocks)).not.toContain(ACTION.importBuyLicenses);
  });

  it('someone who may not buy is told why, and nothing opens to buy', async () => {
    const refused = await press(preview, MEMBER);
    expect(text(refused)).toMatch(/To buy licenses you need one of these roles: Global admin, Billing admin/);
    expect(refused.callback_id).not.toBe('roster_buy_licenses');
  });

  it('a Billing admin gets the purchase form filled in; buying updates the preview: the seats are now enough', async () => {
    const form = await press(preview, BILLING);
    expect(validateView(form, 'modal')).toEqual([]);
    const job = await r.db.db.selectFrom('ImportJob').select('id').where('fileName', '=', 'short.csv').executeTakeFirstOrThrow();
    expect(JSON.parse(form.private_metadata!)).toEqual({ importJobId: job.id });
    const inputs = (form.blocks as { block_id?: string; element?: { initial_value?: string } }[]).map((b) => [b.block_id, b.element?.initial_value]);
    expect(inputs).toEqual([
      ['product', 'O365_BUSINESS_ESSENTIALS'],
      ['quantity', '2'],
    ]);
    const before = r.fake.calls().length;
    const values = { product: { value: plainText('O365_BUSINESS_ESSENTIALS') }, quantity: { value: plainText('2') } };
    const bought = await r.sim.viewSubmission(form, values, { userId: BILLING });
    expect(text(bought.body)).toContain('Licenses bought');
    await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === preview.ts, { after: before, timeoutMs: 8000 });
    const updated = current(preview);
    expect(validateMessageBlocks(updated.blocks)).toEqual([]);
    expect(text(updated.blocks)).toContain('4 needed, 4 of 4 available');
    expect(text(updated.blocks)).not.toContain(':warning:');
    expect(text(updated.blocks)).not.toContain(ACTION.importBuyLicenses);
    // Still the same preview: its settings button goes on to the same import, by the uploader.
    expect(text(updated.blocks)).toContain(ACTION.importChooseSettings);
    expect(text(updated.blocks)).toContain(`Uploaded by <@${OWNER}>`);
    expect(await pool()).toEqual({ total: 4, assigned: 0 });
    // The problems file is not sent again.
    expect(r.fake.uploadedFiles().filter((f) => f.name.startsWith('short-'))).toEqual([]);
  });

  it('pressed again once there are enough, it says so', async () => {
    const shown = await press(preview, OWNER);
    expect(text(shown)).toContain('There are enough Microsoft 365 Business Basic licenses now: 4 available for 4 users.');
  });
});
