import { countRows } from '../support/test-db.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { SHORTCUT } from '../../src/slack/views/ids.js';
import {
  CHANNEL,
  MEMBER,
  OWNER,
  csvBytes,
  csvRecords,
  channelUpload,
  dmUpload,
  fileSharedEvent,
  seedContoso,
  text,
  threadReplies,
  userRow,
  waitForPreview,
} from './import-helpers.js';

let r: RosterUnderTest;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

const downloadsOf = (fileId: string) => r.fake.calls('$download').filter((c) => c.args.file_id === fileId).length;

describe('a CSV shared in a channel', () => {
  it('is verified and answered in its thread: counts, seats, the first problems and the full problem list as a file', async () => {
    const file = r.fake.addFile({
      name: 'new-hires.csv',
      user: OWNER,
      bytes: csvBytes([
        userRow('ana'),
        userRow('ben'),
        userRow('cem'),
        userRow('dee'),
        userRow('ana', 'Ana Again'),
        userRow('olivia'),
        'bad name@contoso.onmicrosoft.com,Bad,,Bad,,,,,,,,,,,,',
        'x@fabrikam.com,X,,X,,,,,,,,,,,,',
      ]),
    });
    const { event, ts } = channelUpload(file);
    const res = await r.sim.event(event);
    expect(res.status).toBe(200);
    const preview = await waitForPreview(r, CHANNEL, ts);
    expect(validateMessageBlocks(preview.blocks)).toEqual([]);
    const shown = text(preview.blocks);
    expect(shown).toMatch(/Verified new-hires.csv/);
    expect(shown).toMatch(/\*Rows read\*\\n8/);
    expect(shown).toMatch(/\*Ready to add\*\\n4/);
    expect(shown).toMatch(/\*With problems\*\\n4/);
    expect(shown).toMatch(/\*Repeated in the file\*\\n1/);
    expect(shown).toMatch(/\*Already exist\*\\n1/);
    expect(shown).toMatch(/Microsoft 365 Business Basic: 4 needed, 3 of 3 available :warning: 1 short/);
    expect(shown).toMatch(/Row 6 · User Name: [^"]*also on row 2/);
    expect(shown).toMatch(/Row 7 · User Name: duplicate username: olivia@contoso.onmicrosoft.com already exists/);
    expect(shown).toMatch(/Row 8 · User Name: The username can't contain space/);
    expect(shown).toMatch(/Row 9 · User Name: [^"]*no domain fabrikam.com/);
    expect(shown).toContain('Choose settings and add 4 users');

    const upload = await r.fake.waitFor('files.completeUploadExternal');
    expect(upload.args).toMatchObject({ channel_id: CHANNEL, thread_ts: ts });
    const problems = r.fake.uploadedFiles().find((f) => f.name === 'new-hires-problems.csv')!;
    expect(problems.channels).toEqual([CHANNEL]);
    const records = csvRecords(problems.bytes);
    expect(records.map((p) => [p.Row, p.Column])).toEqual([
      ['6', 'User Name'],
      ['7', 'User Name'],
      ['8', 'User Name'],
      ['9', 'User Name'],
    ]);
    expect(records[3]!.Problem).toMatch(/no domain fabrikam.com/);
    expect(threadReplies(r, CHANNEL, ts).length).toBe(2);

    const job = await r.db.db.selectFrom('ImportJob').selectAll().where('fileId', '=', file.id).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'previewed', channelId: CHANNEL, threadTs: ts, messageTs: preview.ts, rowsReady: 4 });
    expect(await countRows(r.db.db, 'DirectoryUser')).toBe(1);
  });

  it('handles one upload into its DM once: a retried message event, and the file_shared event of the same upload, make no second preview', async () => {
    const file = r.fake.addFile({ name: 'twice.csv', user: OWNER, bytes: csvBytes([userRow('twice1')]) });
    const upload = dmUpload(file);
    await r.quiet();
    const before = r.fake.calls().length;
    const envelope = { eventId: 'Ev0TWICE01' };
    await Promise.all([
      r.sim.event(upload.message, envelope),
      r.sim.event(upload.message, { ...envelope, retryNum: 1, retryReason: 'http_timeout' }),
      r.sim.event(upload.fileShared, { eventId: 'Ev0TWICE02' }),
    ]);
    await waitForPreview(r, upload.channel, upload.ts, before);
    await r.handled('Ev0TWICE01', { times: 2 });
    await r.handled('Ev0TWICE02');
    expect(threadReplies(r, upload.channel, upload.ts)).toHaveLength(1);
    expect(downloadsOf(file.id)).toBe(1);
    expect(await countRows(r.db.db, 'ImportJob', (q) => q.where('fileId', '=', file.id))).toBe(1);
  });

  it('previews a CSV shared in a channel from file_shared alone, and ignores channel messages (Roster does not read them)', async () => {
    const file = r.fake.addFile({ name: 'channel.csv', user: OWNER, bytes: csvBytes([userRow('chan1')]) });
    const upload = channelUpload(file);
    await r.quiet();
    const before = r.fake.calls().length;
    const sameAsMessage = {
      type: 'message',
      subtype: 'file_share',
      text: '',
      user: OWNER,
      channel: CHANNEL,
      channel_type: 'channel',
      ts: upload.ts,
      files: [file],
    };
    await r.sim.event(sameAsMessage, { eventId: 'Ev0CHANMSG1' });
    await r.sim.event(
      { type: 'message', text: 'help', user: OWNER, channel: CHANNEL, channel_type: 'channel', ts: '1700006666.000100' },
      { eventId: 'Ev0CHANMSG2' },
    );
    await r.handled('Ev0CHANMSG1');
    await r.handled('Ev0CHANMSG2');
    expect(r.fake.calls().slice(before)).toEqual([]);
    await r.sim.event(upload.event);
    await waitForPreview(r, CHANNEL, upload.ts, before);
    expect(await countRows(r.db.db, 'ImportJob', (q) => q.where('fileId', '=', file.id))).toBe(1);
  });

  it('answers file_shared alone in the thread files.info names, and never imports its own uploads', async () => {
    const file = r.fake.addFile({ name: 'alone.csv', user: OWNER, bytes: csvBytes([userRow('alone1')]) });
    file.shares = { public: { [CHANNEL]: [{ ts: '1700008888.000100' }] } };
    await r.sim.event(fileSharedEvent(file));
    await waitForPreview(r, CHANNEL, '1700008888.000100');

    const own = r.fake.addFile({ name: 'alone-problems.csv', user: r.fake.botUserId, bytes: csvBytes([userRow('own1')]) });
    await r.quiet();
    const before = r.fake.calls().length;
    await r.sim.event(fileSharedEvent(own, { user: r.fake.botUserId }), { eventId: 'Ev0OWNFILE1' });
    await r.sim.event(dmUpload(own, { user: r.fake.botUserId }).message, { eventId: 'Ev0OWNFILE2' });
    await r.handled('Ev0OWNFILE1');
    await r.handled('Ev0OWNFILE2');
    expect(r.fake.calls().slice(before)).toEqual([]);
  });

  it('tells a member with no admin role why, only to them, and does nothing else', async () => {
    const file = r.fake.addFile({ name: 'mine.csv', user: MEMBER, bytes: csvBytes([userRow('m1')]) });
    const { event } = channelUpload(file, { user: MEMBER });
    await r.quiet();
    const before = r.fake.calls().length;
    await r.sim.event(event, { eventId: 'Ev0NOROLE01' });
    await r.fake.waitFor('chat.postEphemeral', { after: before });
    await r.handled('Ev0NOROLE01');
    const [refusal, ...more] = r.fake.ephemeralsTo(MEMBER, CHANNEL);
    expect(more).toEqual([]);
    expect(refusal!.text).toMatch(/you need one of these roles: .*You have no admin role/);
    expect(refusal!.thread_ts).toBeUndefined();
    expect(
      r.fake
        .calls()
        .slice(before)
        .map((c) => c.method),
    ).toEqual(['files.info', 'chat.postEphemeral']);
    expect(downloadsOf(file.id)).toBe(0);
    expect(await countRows(r.db.db, 'ImportJob', (q) => q.where('fileId', '=', file.id))).toBe(0);
  });

  it('ignores files that are not CSV, without a word', async () => {
    const image = r.fake.addFile({ name: 'team.png', user: OWNER, bytes: Buffer.from('png') });
    const sheet = r.fake.addFile({ name: 'hires.xlsx', user: MEMBER, bytes: Buffer.from('PK') });
    await r.quiet();
    const before = r.fake.calls().length;
    const ids = ['Ev0NOTCSV01', 'Ev0NOTCSV02', 'Ev0NOTCSV03', 'Ev0NOTCSV04'];
    await r.sim.event(dmUpload(image).message, { eventId: ids[0] });
    await r.sim.event(dmUpload(sheet, { user: MEMBER }).message, { eventId: ids[1] });
    await r.sim.event(fileSharedEvent(sheet, { user: MEMBER }), { eventId: ids[2] });
    await r.sim.event({ type: 'message', text: 'hello', user: OWNER, channel: CHANNEL, ts: '1700007777.000100' }, { eventId: ids[3] });
    for (const id of ids) await r.handled(id);
    expect(
      r.fake
        .calls()
        .slice(before)
        .map((c) => c.method),
    ).toEqual(['files.info']);
    expect(r.fake.ephemeralsTo(MEMBER).filter((m) => /xlsx|CSV/.test(m.text ?? ''))).toEqual([]);
  });

  it('says in the thread what is wrong with a file it cannot read', async () => {
    const file = r.fake.addFile({ name: 'broken.csv', user: OWNER, bytes: Buffer.from('Name;Mail\r\nx;y\r\n') });
    const { event, ts } = channelUpload(file);
    await r.sim.event(event);
    const call = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts);
    expect(String(call.args.text)).toMatch(/could not verify this file\. broken\.csv: /);
    expect(await countRows(r.db.db, 'ImportJob', (q) => q.where('fileId', '=', file.id))).toBe(0);
  });
});

describe('/users import and the message shortcut', () => {
  it('opens a form with a CSV file input and sends the preview as a DM', async () => {
    const refused = await r.sim.command('/users', 'import', { userId: MEMBER });
    expect(text(refused.body)).toMatch(/You have no admin role/);
    const help = await r.sim.command('/users', 'help', { userId: OWNER });
    expect(text(help.body)).toMatch(/`\/users import`/);

    await r.quiet();
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'import', { userId: OWNER });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const view = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    expect(text(view)).toMatch(/"type":"file_input".*"filetypes":\["csv"\]/);
    const file = r.fake.addFile({ name: 'modal.csv', user: OWNER, bytes: csvBytes([userRow('modal1'), userRow('modal2'), 'bad@,B,,B,,,,,,,,,,,,']) });
    const submitted = await r.sim.viewSubmission(view, { file: { value: { type: 'file_input', files: [file] } } }, { userId: OWNER });
    expect(submitted.problems).toEqual([]);
    expect(text(submitted.body)).toMatch(/Verifying \*modal.csv\*… The preview arrives as a DM/);
    const preview = await waitForPreview(r, `D${OWNER}`, undefined, before);
    expect(text(preview.blocks)).toContain('Choose settings and add 2 users');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}` && c.args.thread_ts === preview.ts);
    const job = await r.db.db.selectFrom('ImportJob').selectAll().where('fileId', '=', file.id).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ channelId: `D${OWNER}`, messageTs: preview.ts });
  });

  it('refuses a file that is not a CSV in the form', async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'import', { userId: OWNER });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const view = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const pdf = r.fake.addFile({ name: 'hires.pdf', user: OWNER, bytes: Buffer.from('%PDF') });
    const submitted = await r.sim.viewSubmission(view, { file: { value: { type: 'file_input', files: [pdf] } } }, { userId: OWNER });
    expect(submitted.body).toMatchObject({ response_action: 'errors', errors: { file: expect.stringMatching(/hires.pdf is not a CSV file/) } });
  });

  it('verifies the CSV of a message from the shortcut and answers in its thread', async () => {
    const file = r.fake.addFile({ name: 'shortcut.csv', user: MEMBER, bytes: csvBytes([userRow('short1')]) });
    const message = { ts: '1700006666.000100', user: MEMBER, text: 'new people', files: [file] };
    let before = r.fake.calls().length;
    await r.sim.messageShortcut(SHORTCUT.importCsv, { userId: MEMBER, channelId: CHANNEL, message });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/You have no admin role/);

    before = r.fake.calls().length;
    await r.sim.messageShortcut(SHORTCUT.importCsv, { userId: OWNER, channelId: CHANNEL, message });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/Verifying/);
    const preview = await waitForPreview(r, CHANNEL, message.ts, before);
    expect(text(preview.blocks)).toContain('Choose settings and add 1 user"');

    before = r.fake.calls().length;
    await r.sim.messageShortcut(SHORTCUT.importCsv, { userId: OWNER, channelId: CHANNEL, message: { ts: '1700006667.000100', user: OWNER, text: 'no file' } });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/This message has no file/);
  });
});
