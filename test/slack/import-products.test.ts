import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { validateView } from '../support/block-kit-validator.js';
import type { Message } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { externalSelect, multiStaticSelect, radio } from '../support/slack-requests.js';
import { CHANNEL, OWNER, channelUpload, csvBytes, csvRecords, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

/** The import settings form with several products, each with its own apps (issue 18 item 4), end to end. */

let r: RosterUnderTest;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const E1 = productByPartNumber('STANDARDPACK')!;
const E3 = productByPartNumber('ENTERPRISEPACK')!;
const PHONE = productByPartNumber('MCOEV')!;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 5);
  for (const [product, quantity] of [
    [E1, 5],
    [E3, 5],
    [PHONE, 1],
  ] as const) {
    const bought = await buyLicenses(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER }, { product: product.partNumber, quantity });
    if (!bought.ok) throw new Error(bought.message);
  }
});
afterAll(async () => r.stop());

async function previewOf(name: string, rows: string[]): Promise<Message> {
  const file = r.fake.addFile({ name, user: OWNER, bytes: csvBytes(rows) });
  const { event, ts } = channelUpload(file);
  const before = r.fake.calls().length;
  await r.sim.event(event);
  return structuredClone(await waitForPreview(r, CHANNEL, ts, before));
}

async function openSettings(preview: Message) {
  const before = r.fake.calls().length;
  await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
  const opened = await r.fake.waitFor('views.open', { after: before });
  return r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
}

async function choose(view: { id: string }, skuIds: string[]) {
  const before = r.fake.calls().length;
  expect((await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: skuIds, view })).status).toBe(200);
  const updated = await r.fake.waitFor('views.update', { after: before });
  expect(updated.response.ok, text(updated.response)).toBe(true);
  return r.fake.viewRecord(view.id)!.view;
}

const blockIds = (view: { blocks: unknown[] }) => (view.blocks as { block_id?: string }[]).map((b) => b.block_id);

describe('an import with several products, from Slack', () => {
  let preview: Message;

  it('the settings form takes several products, with an apps picker for each, and refuses products that exclude each other', async () => {
    preview = await previewOf('team.csv', [userRow('ann'), userRow('bob'), userRow('cy')]);
    const view = await openSettings(preview);
    const both = await choose(view, [BASIC.skuId, E1.skuId]);
    expect(validateView(both, 'modal')).toEqual([]);
    expect(blockIds(both)).toEqual(expect.arrayContaining(['licenses', `apps:${BASIC.skuId}`, `apps:${E1.skuId}`]));
    const conflict = await r.sim.viewSubmission(
      both,
      { usageLocation: { value: externalSelect('NL') }, licenses: { value: multiStaticSelect([E1.skuId, E3.skuId]) } },
      { userId: OWNER },
    );
    expect(conflict.body).toMatchObject({
      response_action: 'errors',
      errors: { licenses: expect.stringMatching(/^Office 365 E1 and Office 365 E3 can't both be assigned/) },
    });
    const addOnAlone = await r.sim.viewSubmission(
      both,
      { usageLocation: { value: externalSelect('NL') }, licenses: { value: multiStaticSelect([PHONE.skuId]) } },
      { userId: OWNER },
    );
    expect(addOnAlone.body).toMatchObject({ response_action: 'errors', errors: { licenses: expect.stringMatching(/add-on that needs Microsoft Teams/) } });
    expect((await r.db.db.selectFrom('ImportJob').select('status').where('messageTs', '=', preview.ts).executeTakeFirstOrThrow()).status).toBe('previewed');
  });

  it("adds the users with every product that has a seat; the results DM lists each user's products", async () => {
    const view = await choose(await openSettings(preview), [BASIC.skuId, PHONE.skuId]);
    const sway = BASIC.plans.find((p) => p.name === 'SWAY')!;
    const before = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      view,
      {
        signInAllowed: { value: radio('allowed') },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId, PHONE.skuId]) },
        [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([sway.id]) },
        whenSeatsRunOut: { value: radio('create_unlicensed') },
      },
      { userId: OWNER },
    );
    expect(submitted.body).toBe('');
    const upload = await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, {
      after: before,
      timeoutMs: 8000,
    });
    expect(upload.response.ok).toBe(true);
    const results = r.fake.uploadedFiles().find((f) => f.name === 'team-results.csv')!;
    expect(csvRecords(results.bytes).map((row) => [row['User Name'], row.Status, row.Licenses, row.Reason])).toEqual([
      ['ann@contoso.onmicrosoft.com', 'Created', 'Microsoft 365 Business Basic; Microsoft Teams Phone Standard', ''],
      ['bob@contoso.onmicrosoft.com', 'Created', 'Microsoft 365 Business Basic', 'created without Microsoft Teams Phone Standard: no license left'],
      ['cy@contoso.onmicrosoft.com', 'Created', 'Microsoft 365 Business Basic', 'created without Microsoft Teams Phone Standard: no license left'],
    ]);
    expect(
      r.fake.dmsTo(OWNER).some((m) => (m.text ?? '').startsWith('Import of team.csv finished: 3 created (2 of them without every product: none left)')),
    ).toBe(true);
    const ann = await r.db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', 'ann@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
    const held = await r.db.db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).where('userId', '=', ann.id).orderBy('skuId').execute();
    expect(held.map((l) => [l.skuId, JSON.parse(l.disabledPlans)])).toEqual(
      [
        [BASIC.skuId, [sway.id]],
        [PHONE.skuId, []],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });
});
