import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { CHANNEL, MEMBER, OWNER, channelUpload, csvBytes, dmUpload, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

const ELSEWHERE = 'C0BUDGET01';
const NEW_CHANNEL = 'C0ONBOARD1';
let r: RosterUnderTest;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

/** A budget spreadsheet: a CSV, but not a file of users. */
const budget = () => r.fake.addFile({ name: 'budget-2027.csv', user: OWNER, bytes: Buffer.from('Quarter,Amount\r\nQ1,1000\r\n') });
const hires = () => r.fake.addFile({ name: 'hires.csv', user: OWNER, bytes: csvBytes([userRow('ana')]) });
const callsAbout = (fileId: string) =>
  r.fake.calls().filter((c) => JSON.stringify(c.args).includes(fileId) || (c.method.startsWith('chat.') && c.args.channel === ELSEWHERE));

describe('Roster acts on shared CSV files only where it was asked', () => {
  it('stays silent in a channel that is not an import channel: no files.info, no message', async () => {
    const files = [budget(), hires()];
    for (const [i, file] of files.entries())
      expect((await r.sim.event(channelUpload(file, { channel: ELSEWHERE }).event, { eventId: `Ev0ELSEWHERE${i}` })).status).toBe(200);
    for (const i of files.keys()) await r.handled(`Ev0ELSEWHERE${i}`);
    for (const file of files) expect(callsAbout(file.id)).toEqual([]);
    expect(r.fake.messagesIn(ELSEWHERE)).toEqual([]);
    expect(r.fake.ephemeralsTo(OWNER, ELSEWHERE)).toEqual([]);
  });

  it('verifies a file in an import channel, and says why a file of something else cannot be used', async () => {
    const { event, ts } = channelUpload(hires());
    await r.sim.event(event);
    const preview = await waitForPreview(r, CHANNEL, ts);
    expect(preview.text).toMatch(/^hires.csv: 1 row/);
    const other = channelUpload(budget());
    await r.sim.event(other.event);
    const reply = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === other.ts);
    expect(String(reply.args.text)).toMatch(/could not verify this file/);
  });

  it('verifies a file shared in its DM, and answers there about a file of something else', async () => {
    const upload = dmUpload(hires());
    await r.sim.event(upload.message);
    await waitForPreview(r, upload.channel, upload.ts);
    const other = dmUpload(budget());
    await r.sim.event(other.fileShared);
    const reply = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === other.ts);
    expect(String(reply.args.text)).toMatch(/could not verify this file/);
  });
});

describe('/users import-channel add | remove | list', () => {
  it('a member without a role who may add users is refused, and nothing changes', async () => {
    for (const sub of ['add', 'remove', 'list']) {
      const res = await r.sim.command('/users', `import-channel ${sub}`, { userId: MEMBER, channelId: NEW_CHANNEL });
      expect(text(res.body)).toMatch(/To add users you need one of these roles: Global admin, User admin/);
    }
    expect(await r.db.db.selectFrom('ImportChannel').select('channelId').where('channelId', '=', NEW_CHANNEL).execute()).toEqual([]);
  });

  it('adds the channel it is run in, lists it, and removes it; then files there are ignored again', async () => {
    const added = await r.sim.command('/users', 'import-channel add', { userId: OWNER, channelId: NEW_CHANNEL });
    expect(added.problems).toEqual([]);
    expect(text(added.body)).toMatch(new RegExp(`<#${NEW_CHANNEL}> is now an import channel`));
    expect(text((await r.sim.command('/users', 'import-channel add', { userId: OWNER, channelId: NEW_CHANNEL })).body)).toMatch(/already an import channel/);
    const listed = await r.sim.command('/users', 'import-channel list', { userId: OWNER, channelId: 'C0GENERAL1' });
    expect(text(listed.body)).toContain(`<#${CHANNEL}>`);
    expect(text(listed.body)).toContain(`<#${NEW_CHANNEL}>`);

    const { event, ts } = channelUpload(hires(), { channel: NEW_CHANNEL });
    await r.sim.event(event);
    await waitForPreview(r, NEW_CHANNEL, ts);

    const removed = await r.sim.command('/users', 'import-channel remove', { userId: OWNER, channelId: NEW_CHANNEL });
    expect(text(removed.body)).toMatch(new RegExp(`<#${NEW_CHANNEL}> is no longer an import channel`));
    expect(text((await r.sim.command('/users', 'import-channel list', { userId: OWNER, channelId: NEW_CHANNEL })).body)).not.toContain(NEW_CHANNEL);
    const later = hires();
    const before = r.fake.calls().length;
    await r.sim.event(channelUpload(later, { channel: NEW_CHANNEL }).event, { eventId: 'Ev0REMOVED01' });
    await r.handled('Ev0REMOVED01');
    expect(
      r.fake
        .calls()
        .slice(before)
        .filter((c) => c.method === 'files.info' || c.method.startsWith('chat.')),
    ).toEqual([]);
  });

  it('is refused in the DM (always verified there) and explains its subcommands', async () => {
    expect(text((await r.sim.command('/users', 'import-channel add', { userId: OWNER, channelId: `D${OWNER}` })).body)).toMatch(/always verified/);
    expect(text((await r.sim.command('/users', 'import-channel', { userId: OWNER, channelId: NEW_CHANNEL })).body)).toMatch(/import-channel add/);
  });
});
