import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';
import { multiStaticSelect, radio, externalSelect, usersSelect } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { ACTION } from '../../src/slack/views/ids.js';
import type { Message } from '../support/fake-slack-api.js';
import { CHANNEL, HR, MEMBER, OWNER, cellValue, csvBytes, csvRecords, channelUpload, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';
import { countRows } from '../support/test-db.js';

let r: RosterUnderTest;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

async function previewOf(name: string, rows: string[]): Promise<Message> {
  const file = r.fake.addFile({ name, user: OWNER, bytes: csvBytes(rows) });
  const { event, ts } = channelUpload(file);
  const before = r.fake.calls().length;
  await r.sim.event(event);
  // A copy: what the member's Slack client shows, even after the app updates the message.
  return structuredClone(await waitForPreview(r, CHANNEL, ts, before));
}

async function openSettings(preview: Message, userId = OWNER) {
  const before = r.fake.calls().length;
  const res = await r.sim.blockAction({ userId, actionId: ACTION.importChooseSettings, message: preview });
  expect(res.status).toBe(200);
  const opened = await r.fake.waitFor('views.open', { after: before });
  expect(opened.response.ok, text(opened.response)).toBe(true);
  return r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
}

/** Chooses products in the settings form; the form comes back with an apps picker for each. */
async function chooseLicense(view: { id: string }, ...skuIds: string[]) {
  const before = r.fake.calls().length;
  expect((await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: skuIds, view })).status).toBe(200);
  const updated = await r.fake.waitFor('views.update', { after: before });
  expect(updated.response.ok, text(updated.response)).toBe(true);
  return r.fake.viewRecord(view.id)!.view;
}

const current = (message: Message) => r.fake.messagesIn(message.channel).find((m) => m.ts === message.ts)!;

describe('choosing the settings and adding the users', () => {
  let preview: Message;

  it('opens the settings form from the preview only for admins who may add users', async () => {
    preview = await previewOf('hires.csv', [
      userRow('ana'),
      userRow('ben'),
      userRow('cem'),
      userRow('dee'),
      'bad name@contoso.onmicrosoft.com,Bad,,Bad,,,,,,,,,,,,',
    ]);
    const refused = await openSettings(preview, MEMBER);
    expect(text(refused)).toMatch(/To add users you need one of these roles: Global admin, User admin/);

    const view = await openSettings(preview);
    expect(validateView(view, 'modal')).toEqual([]);
    expect(view.private_metadata).toBe((await r.db.db.selectFrom('ImportJob').select('id').where('fileName', '=', 'hires.csv').executeTakeFirstOrThrow()).id);
    expect(text(view.submit)).toContain('Add 4 users');
    const ids = (view.blocks as { block_id?: string }[]).map((b) => b.block_id);
    expect(ids).toEqual(expect.arrayContaining(['signInAllowed', 'usageLocation', 'licenses', 'whenSeatsRunOut', 'recipients']));
    // The "Apps to turn off" picker appears only for the product chosen.
    expect(ids).not.toContain(`apps:${BASIC.skuId}`);
    const chosen = await chooseLicense(view, BASIC.skuId);
    expect((chosen.blocks as { block_id?: string }[]).map((b) => b.block_id)).toContain(`apps:${BASIC.skuId}`);
    expect(validateView(chosen, 'modal')).toEqual([]);
    const shown = text(view);
    expect(shown).toContain('Microsoft 365 Business Basic (3 of 3 available)');
    expect(shown).toContain('Create only as many users as there are licenses (as the admin center does)');
    expect(shown).toContain('Create the rest without a license');
  });

  it('puts mistakes on their fields, and refuses a member who may not add users', async () => {
    const view = await openSettings(preview);
    const noLocation = await r.sim.viewSubmission(view, { licenses: { value: multiStaticSelect([BASIC.skuId]) } }, { userId: OWNER });
    expect(noLocation.problems).toEqual([]);
    expect(noLocation.body).toMatchObject({ response_action: 'errors', errors: { usageLocation: expect.stringMatching(/Choose a usage location/) } });
    const forbidden = await r.sim.viewSubmission(view, { licenses: { value: multiStaticSelect([]) } }, { userId: MEMBER });
    expect(forbidden.body).toMatchObject({
      response_action: 'errors',
      errors: { signInAllowed: expect.stringMatching(/To add users you need one of these roles/) },
    });
    expect((await r.db.db.selectFrom('ImportJob').select('status').where('messageTs', '=', preview.ts).executeTakeFirstOrThrow()).status).toBe('previewed');
  });

  it('adds the users: the preview becomes the progress and then the outcome; the results go by DM with the passwords', async () => {
    const view = await chooseLicense(await openSettings(preview), BASIC.skuId);
    const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
    const before = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      view,
      {
        signInAllowed: { value: radio('allowed') },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([teams.id]) },
        whenSeatsRunOut: { value: radio('licensed_only') },
        recipients: { value: usersSelect([HR]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    expect(submitted.body).toBe('');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${HR}`, { after: before, timeoutMs: 8000 });

    const message = current(preview);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(message.text).toMatch(/^Imported hires.csv: 3 created, 2 not created \(1 problems in the row, 1 no license left\)/);
    expect(text(message.blocks)).toContain('▓▓▓▓▓▓▓▓▓▓ 100%');
    expect(text(message.blocks)).toContain(`sent by DM to <@${OWNER}>, <@${HR}>`);
    const versions = [...(message.history ?? []), message].map((m) => m.text ?? '');
    expect(versions[1]).toMatch(/^Adding users from hires.csv… 0\/5/);
    expect(text(message.blocks)).not.toContain(ACTION.importChooseSettings);

    const results = r.fake.uploadedFiles().filter((f) => f.name === 'hires-results.csv');
    expect(results.map((f) => f.channels)).toEqual([[`D${OWNER}`], [`D${HR}`]]);
    expect(results[0]!.bytes.equals(results[1]!.bytes)).toBe(true);
    const rows = csvRecords(results[0]!.bytes);
    expect(rows.map((row) => [row['User Name'], row.Status])).toEqual([
      ['ana@contoso.onmicrosoft.com', 'Created'],
      ['ben@contoso.onmicrosoft.com', 'Created'],
      ['cem@contoso.onmicrosoft.com', 'Created'],
      ['dee@contoso.onmicrosoft.com', 'Not created'],
      ['bad name@contoso.onmicrosoft.com', 'Not created'],
    ]);
    const passwords = rows.map((row) => cellValue(row['Temporary password'] ?? '')).filter(Boolean);
    expect(passwords).toHaveLength(3);
    for (const who of [OWNER, HR]) expect(r.fake.dmsTo(who).some((m) => /^Import of hires.csv finished: 3 created/.test(m.text ?? ''))).toBe(true);

    // The passwords are in the results files only: in no chat.* call, no other file, no log line.
    const chat = text(
      r.fake
        .calls()
        .filter((c) => c.method.startsWith('chat.') || c.method === 'files.completeUploadExternal')
        .map((c) => c.args),
    );
    const otherFiles = r.fake
      .uploadedFiles()
      .filter((f) => f.name !== 'hires-results.csv')
      .map((f) => f.bytes.toString('utf8'))
      .join('\n');
    const logs = r.logs.join('\n');
    for (const password of passwords) {
      expect(chat).not.toContain(password);
      expect(otherFiles).not.toContain(password);
      expect(logs).not.toContain(password);
    }
    expect(logs).toMatch(/"message":"import finished".*"created":3/);

    const stored = await r.db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', 'ana@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
    expect(stored.usageLocation).toBe('NL');
    const license = await r.db.db.selectFrom('LicenseAssignment').selectAll().where('userId', '=', stored.id).executeTakeFirstOrThrow();
    expect(JSON.parse(license.disabledPlans)).toEqual([teams.id]);
  });

  it('Delete on a results DM removes that message and its results file (the passwords) from Slack', async () => {
    const resultsMessage = (who: string) => r.fake.dmsTo(who).find((m) => /^Import of hires.csv finished/.test(m.text ?? ''));
    await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.channel === `D${HR}` && text(c.args.blocks).includes(ACTION.deleteImportResults));
    const hrFile = r.fake.uploadedFiles().find((f) => f.name === 'hires-results.csv' && f.channels.includes(`D${HR}`))!;
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: HR, actionId: ACTION.deleteImportResults, message: resultsMessage(HR)! });
    const deleted = await r.fake.waitFor('chat.delete', { after: before });
    expect(deleted.response.ok, JSON.stringify(deleted.response)).toBe(true);
    const fileDeleted = r.fake.calls('files.delete').at(-1)!;
    expect(fileDeleted.args.file).toBe(hrFile.id);
    expect(fileDeleted.response.ok).toBe(true);
    expect(resultsMessage(HR)).toBeUndefined();
    expect(r.fake.uploadedFiles().some((f) => f.id === hrFile.id)).toBe(false);
    // The owner's copy is untouched.
    expect(resultsMessage(OWNER)).toBeDefined();
    expect(
      r.fake
        .uploadedFiles()
        .filter((f) => f.name === 'hires-results.csv')
        .map((f) => f.channels),
    ).toEqual([[`D${OWNER}`]]);
  });

  it('a second press of the button says the import already ran', async () => {
    const view = await openSettings(preview);
    expect(text(view)).toMatch(/already completed/);
  });

  it('updates the progress at most once every 2 s on a larger file, and ends with the outcome', async () => {
    const big = await previewOf(
      'big.csv',
      Array.from({ length: 3000 }, (_, i) => userRow(`big${i}`)),
    );
    const view = await openSettings(big);
    const started = Date.now();
    const before = r.fake.calls().length;
    await r.sim.viewSubmission(view, { licenses: { value: multiStaticSelect([]) } }, { userId: OWNER });
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: before, timeoutMs: 15000 });
    const elapsed = Date.now() - started;
    const updates = r.fake
      .calls()
      .slice(before)
      .filter((c) => c.method === 'chat.update' && c.args.ts === big.ts);
    expect(updates.length).toBeLessThanOrEqual(Math.floor(elapsed / 2000) + 2);
    expect(String(updates[0]!.args.text)).toMatch(/^Adding users from big.csv… 0\/3000$/);
    expect(String(updates.at(-1)!.args.text)).toMatch(/^Imported big.csv: 3000 created/);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('upnKey', 'like', 'big%'))).toBe(3000);
  });

  it('Cancel on a preview cancels the job and says so in the message', async () => {
    const other = await previewOf('later.csv', [userRow('later1')]);
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importCancel, message: other });
    await r.fake.waitFor('chat.update', { after: before });
    expect(current(other).text).toMatch(/Import of later.csv cancelled\. Nothing was added\./);
    expect((await r.db.db.selectFrom('ImportJob').select('status').where('messageTs', '=', other.ts).executeTakeFirstOrThrow()).status).toBe('cancelled');
    const again = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importCancel, message: other });
    await r.fake.waitFor('chat.postEphemeral', { after: again });
    expect(r.fake.ephemeralsTo(OWNER, CHANNEL).at(-1)!.text).toMatch(/can no longer be cancelled/);
  });
});
