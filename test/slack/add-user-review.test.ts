/**
 * Add user's last step (issue 18 item 9): the review shows what will be created, Back puts the form
 * back as filled in, Finish checks everything again and creates; a stale review is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { ACTION, CALLBACK } from '../../src/slack/views/ids.js';
import { makeUser } from '../lifecycle/helpers.js';
import { validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, externalSelect, multiStaticSelect, plainText, radio, userSelect, usersSelect } from '../support/slack-requests.js';
import { countRows } from '../support/test-db.js';
import { finish, openAddUserForm, submitForm } from './add-user-wizard.js';
import { HR, MEMBER, OWNER, seedContoso, text } from './import-helpers.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const TEAMS = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
const PASSWORD = 'Chosen-Pass-77';
let r: RosterUnderTest;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => {
  expect(r.logs.filter((line) => line.includes('malformed Slack payload ignored'))).toEqual([]);
  expect(r.logs.join('\n')).not.toContain(PASSWORD);
  await r.stop();
});

type Block = { type: string; block_id?: string; hint?: { text: string }; element?: Record<string, unknown> };
const blocks = (viewId: string) => r.fake.viewRecord(viewId)!.view.blocks as Block[];
const element = (viewId: string, blockId: string) => blocks(viewId).find((b) => b.block_id === blockId)?.element ?? {};
const values = (options: unknown) => ((options ?? []) as { value: string }[]).map((o) => o.value);
const owner = () => ({ teamId: r.fake.teamId, slackUserId: OWNER });
const count = (alias: string) => countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', alias));

/** Makes a choice that re-renders the form, and waits for the new form. */
async function choose(viewId: string, blockId: string, selection: { selectedOptions?: string[]; selectedOption?: string }): Promise<void> {
  const before = r.fake.calls().length;
  await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId, view: r.fake.viewRecord(viewId)!.view, ...selection });
  const update = await r.fake.waitFor('views.update', { after: before });
  expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
}

/** Back on the review shown in `viewId`; waits for the form in its place. */
async function back(viewId: string): Promise<void> {
  const before = r.fake.calls().length;
  const res = await r.sim.blockAction({ userId: OWNER, actionId: ACTION.addUserBack, view: r.fake.viewRecord(viewId)!.view });
  expect(res.problems).toEqual([]);
  const update = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === viewId, { after: before });
  expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
}

describe('Add user: review, Back and Finish', () => {
  it('reviews exactly what will be created (never the password), Back keeps every answer, Finish creates it', async () => {
    const viewId = await openAddUserForm(r, OWNER);
    await choose(viewId, 'passwordMode', { selectedOption: 'custom' });
    await choose(viewId, 'licenses', { selectedOptions: [BASIC.skuId] });
    const reviewed = await submitForm(
      r,
      viewId,
      {
        firstName: { value: plainText('Ana') },
        lastName: { value: plainText('Silva') },
        alias: { value: plainText('ana') },
        passwordMode: { value: radio('custom') },
        password: { value: plainText(PASSWORD) },
        requirePasswordChange: { value: checkboxes([]) },
        credentialRecipients: { value: usersSelect([HR]) },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([TEAMS.id]) },
        roles: { value: multiStaticSelect(['user_admin']) },
        alternateEmail: { value: plainText('ana@example.com') },
        slackUserId: { value: userSelect(MEMBER) },
        jobTitle: { value: plainText('Engineer') },
        city: { value: plainText('Lisbon') },
      },
      OWNER,
    );
    expect(reviewed.body).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUserReview, title: { text: 'Review and finish' } } });
    const review = r.fake.viewRecord(viewId)!.view;
    expect(validateView(review, 'modal')).toEqual([]);
    const shown = text(review.blocks);
    for (const expected of [
      'Display name*\\nAna Silva',
      'Username*\\n`ana@contoso.onmicrosoft.com`',
      'Sign-in*\\nAllowed',
      'Password*\\nSet by you',
      'Change at next sign-in*\\nNo',
      `Credentials sent to*\\n<@${OWNER}>, <@${HR}>`,
      'Usage location*\\nNetherlands (NL)',
      'Roles*\\nUser admin',
      'Alternate email*\\nana@example.com',
      `Slack account*\\n<@${MEMBER}>`,
      `*Microsoft 365 Business Basic* (apps turned off: ${TEAMS.displayName})`,
      'Job title*\\nEngineer',
      'City*\\nLisbon',
    ])
      expect(shown).toContain(expected);
    // The typed password is neither shown nor carried in clear; nothing is created before Finish.
    expect(text(review)).not.toContain(PASSWORD);
    expect(review.private_metadata).not.toMatch(/Engineer|ana|Chosen/);
    expect(await count('ana')).toBe(0);

    // Back: the form again, every answer in place (the products and their apps too); the password is asked for again.
    await back(viewId);
    expect(r.fake.viewRecord(viewId)!.view.callback_id).toBe(CALLBACK.addUser);
    expect(element(viewId, 'firstName').initial_value).toBe('Ana');
    expect(element(viewId, 'alias').initial_value).toBe('ana');
    expect(element(viewId, 'jobTitle').initial_value).toBe('Engineer');
    expect(element(viewId, 'city').initial_value).toBe('Lisbon');
    expect(element(viewId, 'alternateEmail').initial_value).toBe('ana@example.com');
    expect((element(viewId, 'passwordMode').initial_option as { value: string }).value).toBe('custom');
    expect(element(viewId, 'password').initial_value).toBeUndefined();
    expect(blocks(viewId).find((b) => b.block_id === 'password')!.hint!.text).toMatch(/Type the password again/);
    expect(element(viewId, 'requirePasswordChange').initial_options).toBeUndefined();
    expect(element(viewId, 'credentialRecipients').initial_users).toEqual([HR]);
    expect((element(viewId, 'usageLocation').initial_option as { value: string }).value).toBe('NL');
    expect(values(element(viewId, 'licenses').initial_options)).toEqual([BASIC.skuId]);
    expect(values(element(viewId, `apps:${BASIC.skuId}`).initial_options)).toEqual([TEAMS.id]);
    expect(values(element(viewId, 'roles').initial_options)).toEqual(['user_admin']);
    expect(element(viewId, 'slackUserId').initial_user).toBe(MEMBER);
    expect(validateView(r.fake.viewRecord(viewId)!.view, 'modal')).toEqual([]);

    // Change one answer (the rest as they were put back), review again, and Finish.
    const again = await submitForm(r, viewId, { alias: { value: plainText('ana.silva') }, password: { value: plainText(PASSWORD) } }, OWNER);
    expect(text(again.body)).toContain('`ana.silva@contoso.onmicrosoft.com`');
    expect(text(again.body)).toContain(`apps turned off: ${TEAMS.displayName}`);
    const before = r.fake.calls().length;
    const result = await finish(r, viewId, OWNER);
    expect(result.body).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUserDone, submit: { text: 'Add another user' } } });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${HR}`, { after: before });
    const stored = await r.db.db.selectFrom('DirectoryUser').selectAll().where('aliasKey', '=', 'ana.silva').executeTakeFirstOrThrow();
    expect(await verifyPassword(PASSWORD, stored.passwordHash)).toBe(true);
    expect(stored).toMatchObject({ slackUserId: MEMBER, usageLocation: 'NL' });
    const show = text((await r.sim.command('/users', 'show ana.silva', { userId: OWNER })).body);
    expect(show).toContain(`Apps turned off: ${TEAMS.displayName}`);
    expect(show).toMatch(/Engineer/);
    expect(show).toMatch(/User admin/);
  });

  it('a stale review is refused with why (a username taken, the last seat gone) and Back to fix it', async () => {
    const viewId = await openAddUserForm(r, OWNER);
    const answers = {
      firstName: { value: plainText('Bo') },
      alias: { value: plainText('bo') },
      passwordMode: { value: radio('auto') },
      usageLocation: { value: externalSelect('NL') },
      licenses: { value: multiStaticSelect([BASIC.skuId]) },
    };
    await submitForm(r, viewId, answers, OWNER);
    // Someone is quicker while the review is shown.
    await makeUser(r.db.ctx, 'bo', {}, owner());
    const refused = await finish(r, viewId, OWNER);
    expect(refused.body).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUserReview } });
    const view = r.fake.viewRecord(viewId)!.view;
    expect(view.submit).toBeUndefined();
    expect(text(view.blocks)).toMatch(/Nothing was added.*bo@contoso.onmicrosoft.com is already taken/);
    expect(await count('bo')).toBe(1);

    await back(viewId);
    expect(element(viewId, 'firstName').initial_value).toBe('Bo');
    await submitForm(r, viewId, { alias: { value: plainText('bo.li') } }, OWNER);
    // The last seats go to others meanwhile (ana.silva holds one of the three).
    for (const alias of ['cy', 'dee']) await makeUser(r.db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner());
    await finish(r, viewId, OWNER);
    expect(text(r.fake.viewRecord(viewId)!.view.blocks)).toMatch(/Nothing was added.*Microsoft 365 Business Basic/);
    expect(await count('bo.li')).toBe(0);
  });

  it('a review opens only for the admin who made it, with Roster’s key: anything else finishes nothing', async () => {
    const viewId = await openAddUserForm(r, OWNER);
    await submitForm(r, viewId, { firstName: { value: plainText('Eve') }, alias: { value: plainText('eve') }, passwordMode: { value: radio('auto') } }, OWNER);
    const record = r.fake.viewRecord(viewId)!;
    const sealed = record.view.private_metadata;
    record.view.private_metadata = `${sealed.slice(0, 40)}${sealed[40] === 'A' ? 'B' : 'A'}${sealed.slice(41)}`;
    await finish(r, viewId, OWNER);
    expect(text(r.fake.viewRecord(viewId)!.view.blocks)).toMatch(/review can no longer be used.*nothing was added/);
    expect(await count('eve')).toBe(0);
  });

  it('a form too large for Slack to carry to the review is told on the field that takes the room', async () => {
    const viewId = await openAddUserForm(r, OWNER);
    // 1,023 characters that do not compress (each three bytes in UTF-8).
    const address = Array.from({ length: 1023 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('');
    const res = await submitForm(
      r,
      viewId,
      {
        firstName: { value: plainText('Fay') },
        alias: { value: plainText('fay') },
        passwordMode: { value: radio('auto') },
        address: { value: plainText(address) },
      },
      OWNER,
    );
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { address: expect.stringMatching(/more than Slack lets Roster carry/) } });
    expect(await count('fay')).toBe(0);
  });
});
