import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { multiStaticSelect, plainText, radio, externalSelect } from '../support/slack-requests.js';
import { CHANNEL, OWNER, csvBytes, channelUpload, seedContoso, text, waitForPreview } from './import-helpers.js';
import { finish } from './add-user-wizard.js';

/** What a Slack client shows for escaped text. */
const shown = (escaped: string) => escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

let r: RosterUnderTest;
beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => {
  // Every request above was well formed: none may have been turned away at the edge.
  expect(r.logs.filter((line) => line.includes('malformed Slack payload ignored'))).toEqual([]);
  await r.stop();
});

describe('user-supplied text reaches Slack escaped (the fake refuses anything else)', () => {
  it('a file named "<!channel> hires.csv" notifies nobody: its name and the quoted cells show as typed', async () => {
    const file = r.fake.addFile({
      name: '<!channel> hires.csv',
      user: OWNER,
      bytes: csvBytes(['ana@contoso.onmicrosoft.com,Ana,,<b>&,,,,,,,,,,,,', '<!here>@contoso.onmicrosoft.com,X,,X,,,,,,,,,,,,']),
    });
    const { event, ts } = channelUpload(file);
    expect((await r.sim.event(event)).status).toBe(200);
    const preview = await waitForPreview(r, CHANNEL, ts);
    expect(preview.text).not.toContain('<!channel>');
    expect(shown(preview.text!)).toMatch(/^<!channel> hires\.csv: 2 rows read/);
    const header = (preview.blocks![0] as { text: { text: string } }).text.text;
    expect(shown(header)).toBe('Verified <!channel> hires.csv');
    expect(text(preview.blocks)).not.toMatch(/<!(channel|here)>/);
    expect(shown(text(preview.blocks))).toContain('Row 3 · User Name: ');
    // Every message and upload the fake accepted passed its escaping check; none was refused.
    const refused = r.fake.calls().filter((c) => c.response.error === 'unescaped_text');
    expect(refused, JSON.stringify(refused.map((c) => c.response))).toEqual([]);
    const upload = await r.fake.waitFor('files.completeUploadExternal');
    expect(upload.response.ok, JSON.stringify(upload.response)).toBe(true);
    expect(shown(String(upload.args.initial_comment))).toContain('found in <!channel> hires.csv');
  });

  it('a display name and a custom password containing "<b>&" show exactly as typed in the review and the DM', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'add', { userId: OWNER });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const viewId = (opened.response as unknown as { view: { id: string } }).view.id;
    const choice = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'passwordMode', selectedOption: 'custom', view: r.fake.viewRecord(viewId)!.view });
    await r.fake.waitFor('views.update', { after: choice });
    const password = '<b>&Secret1x';
    const submitted = r.fake.calls().length;
    const res = await r.sim.viewSubmission(
      r.fake.viewRecord(viewId)!.view,
      {
        firstName: { value: plainText('Bo') },
        displayName: { value: plainText('<b>& Co') },
        alias: { value: plainText('bo') },
        passwordMode: { value: radio('custom') },
        password: { value: plainText(password) },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
      },
      { userId: OWNER },
    );
    expect(res.problems).toEqual([]);
    // The review names the user exactly as typed, and never shows the password typed.
    const review = text(res.body);
    expect(shown(/Display name\*\\n([^"]+)"/.exec(review)![1]!)).toBe('<b>& Co');
    expect(shown(review)).not.toContain(password);
    expect(review).toMatch(/Set by you/);
    const result = text((await finish(r, viewId, OWNER)).body);
    expect(shown(/Temporary password\*\\n`([^`]+)`/.exec(result)![1]!)).toBe(password);
    expect(shown(/:white_check_mark: \*([^*]+)\*/.exec(result)![1]!)).toBe('<b>& Co');
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}`, { after: submitted });
    expect(dm.response.ok, JSON.stringify(dm.response)).toBe(true);
    const notice = text(dm.args.blocks);
    expect(notice).not.toContain(password);
    // Show password opens a modal with the password exactly as set.
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.showPassword, message: r.fake.dmsTo(OWNER).at(-1)! });
    const revealed = await r.fake.waitFor('views.open', { after: pressed });
    expect(revealed.response.ok, JSON.stringify(revealed.response)).toBe(true);
    expect(shown(/Temporary password\*\\n`([^`]+)`/.exec(text(revealed.args.view))![1]!)).toBe(password);
    expect(shown(/Display name\*\\n([^"]+)"/.exec(notice)![1]!)).toBe('<b>& Co');
    expect(shown(String(dm.args.text))).toBe('New account for <b>& Co: bo@contoso.onmicrosoft.com');
  });
});
