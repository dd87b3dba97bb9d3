import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS, productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { addManyUsersModal, rowsOf } from '../../src/slack/views/add-many-modal.js';
import { ACTION, CALLBACK } from '../../src/slack/views/ids.js';
import { validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { externalSelect, plainText, staticSelect, usersSelect } from '../support/slack-requests.js';
import { cellValue, csvRecords, HR, MEMBER, OWNER, seedContoso, text } from './import-helpers.js';

/** Add several users in a form (issue 18 item 10), end to end: `/users add-many`, and from the Add user form. */

let r: RosterUnderTest;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 2);
});
afterAll(async () => r.stop());

async function opened(before: number) {
  const call = await r.fake.waitFor('views.open', { after: before });
  expect(call.response.ok, text(call.response)).toBe(true);
  return r.fake.viewRecord((call.response as unknown as { view: { id: string } }).view.id)!.view;
}

const blockIds = (view: { blocks: unknown[] }) => (view.blocks as { block_id?: string }[]).map((b) => b.block_id).filter(Boolean);

describe('the Add several users form at its largest', () => {
  it('10 rows with 150 products each stays within what Slack accepts', () => {
    const licenses = PRODUCTS.slice(0, 150).map((product) => ({ product, total: 10, assigned: 3, available: 7 }));
    const options = {
      domains: ['contoso.onmicrosoft.com'],
      initialDomain: 'contoso.onmicrosoft.com',
      canAssignRoles: true,
      canAssignLicenses: true,
      passwordExpiryDays: 90,
      licenses,
    };
    const full = addManyUsersModal(options, 10);
    expect(validateView(full, 'modal')).toEqual([]);
    expect(blockIds(full)).toContain('user10:license');
    expect(JSON.stringify(full)).not.toContain(ACTION.addManyRow);
    expect(rowsOf(full.private_metadata)).toBe(10);
    expect(rowsOf('{"rows":99}')).toBe(10);
    expect(rowsOf('not json')).toBe(3);
  });
});

describe('Add several users', () => {
  let form: Awaited<ReturnType<typeof opened>>;

  it('/users add-many opens the form with three rows, for admins who may add users only', async () => {
    const refused = await r.sim.command('/users', 'add-many', { userId: MEMBER });
    expect(text(refused.body)).toMatch(/To add users you need one of these roles/);
    const before = r.fake.calls().length;
    expect((await r.sim.command('/users', 'add-many', { userId: OWNER })).status).toBe(200);
    form = await opened(before);
    expect(form.callback_id).toBe(CALLBACK.addManyUsers);
    expect(validateView(form, 'modal')).toEqual([]);
    expect(blockIds(form)).toEqual(expect.arrayContaining(['user1:username', 'user3:license', 'domain', 'usageLocation', 'signInAllowed', 'recipients']));
    expect(blockIds(form)).not.toContain('user4:username');
    expect(text(form)).toContain('No license');
  });

  it('"Add another user" adds a row, keeping the form', async () => {
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.addManyRow, view: form });
    const updated = await r.fake.waitFor('views.update', { after: before });
    expect(updated.response.ok, text(updated.response)).toBe(true);
    form = r.fake.viewRecord(form.id)!.view;
    expect(blockIds(form)).toContain('user4:username');
    expect(validateView(form, 'modal')).toEqual([]);
  });

  it('puts each problem on its row and field, as an import would name it; nothing is added', async () => {
    const submitted = await r.sim.viewSubmission(
      form,
      {
        'user1:firstName': { value: plainText('Ana') },
        'user1:username': { value: plainText('ana') },
        'user1:license': { value: staticSelect(BASIC.skuId) },
        'user2:firstName': { value: plainText('Ana') },
        'user2:username': { value: plainText('ANA') },
        'user3:firstName': { value: plainText('Cy') },
        'user3:username': { value: plainText('c y') },
        'user4:username': { value: plainText('dee') },
      },
      { userId: OWNER },
    );
    expect(submitted.body).toMatchObject({
      response_action: 'errors',
      errors: {
        'user2:username': expect.stringMatching(/^Row 2: .*also on row 1/),
        'user3:username': expect.stringMatching(/^Row 3: The username can't contain space/),
        'user4:displayName': 'Row 4: Display name is required.',
        usageLocation: expect.stringMatching(/^Choose a usage location/),
      },
    });
    expect(await r.db.db.selectFrom('ImportJob').select('id').execute()).toEqual([]);
  });

  it("adds the users as one small import: the results DM, with each user's product and password, goes to whoever was named", async () => {
    const before = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      form,
      {
        'user1:firstName': { value: plainText('Ana') },
        'user1:lastName': { value: plainText('Silva') },
        'user1:username': { value: plainText('ana') },
        'user1:license': { value: staticSelect(BASIC.skuId) },
        'user2:firstName': { value: plainText('Ben') },
        'user2:displayName': { value: plainText('Benny') },
        'user2:username': { value: plainText('ben') },
        'user2:license': { value: staticSelect('none') },
        'user4:firstName': { value: plainText('Dee') },
        'user4:username': { value: plainText('dee@contoso.onmicrosoft.com') },
        'user4:license': { value: staticSelect(BASIC.skuId) },
        usageLocation: { value: externalSelect('NL') },
        recipients: { value: usersSelect([HR]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    expect(text(submitted.body)).toContain('Adding 3 users');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${HR}`, { after: before, timeoutMs: 8000 });
    const results = r.fake.uploadedFiles().filter((f) => f.name === 'new-users-form-results.csv');
    expect(results.map((f) => f.channels)).toEqual([[`D${OWNER}`], [`D${HR}`]]);
    const rows = csvRecords(results[0]!.bytes);
    expect(rows.map((row) => [row.Row, row['User Name'], row['Display Name'], row.Status, row.Licenses])).toEqual([
      ['1', 'ana@contoso.onmicrosoft.com', 'Ana Silva', 'Created', 'Microsoft 365 Business Basic'],
      ['2', 'ben@contoso.onmicrosoft.com', 'Benny', 'Created', ''],
      ['4', 'dee@contoso.onmicrosoft.com', 'Dee', 'Created', 'Microsoft 365 Business Basic'],
    ]);
    expect(rows.every((row) => cellValue(row['Temporary password'] ?? '').length === 16)).toBe(true);
    expect(r.fake.dmsTo(OWNER).some((m) => (m.text ?? '').startsWith('Import of new-users-form.csv finished: 3 created'))).toBe(true);
    // The progress message, in the requester's DM, ends with the outcome.
    expect(r.fake.dmsTo(OWNER).some((m) => (m.text ?? '').startsWith('Imported new-users-form.csv: 3 created'))).toBe(true);
    // Completed once its results were delivered (the job's last step).
    await r.quiet();
    const job = await r.db.db.selectFrom('ImportJob').select(['status', 'layout', 'rowsCreated']).executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'completed', layout: 'form', rowsCreated: 3 });
    const ana = await r.db.db
      .selectFrom('DirectoryUser')
      .select(['usageLocation', 'accountEnabled'])
      .where('upnKey', '=', 'ana@contoso.onmicrosoft.com')
      .executeTakeFirstOrThrow();
    expect(ana).toEqual({ usageLocation: 'NL', accountEnabled: 1 });
  });

  it('"Add several users" in the Add user form turns it into this form', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'add', { userId: OWNER });
    const addUser = await opened(before);
    expect(text(addUser)).toContain(ACTION.openAddMany);
    const pressing = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.openAddMany, view: addUser });
    const updated = await r.fake.waitFor('views.update', { after: pressing });
    expect(updated.response.ok, text(updated.response)).toBe(true);
    const now = r.fake.viewRecord(addUser.id)!.view;
    expect(now.callback_id).toBe(CALLBACK.addManyUsers);
    expect(blockIds(now)).toContain('user3:username');
  });
});
