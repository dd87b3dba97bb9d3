/**
 * Apps when licensing many (issue 18 item 3): Edit many and the Licenses page's assign form turn
 * off the apps chosen for the products they give, end to end through Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { showUser } from '../../src/core/users/show-user.js';
import { CALLBACK } from '../../src/slack/views/ids.js';
import { makeUser } from '../lifecycle/helpers.js';
import { validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { multiStaticSelect, plainText, radio } from '../support/slack-requests.js';
import { OWNER, seedContoso, text } from './import-helpers.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const plan = (name: string) => BASIC.plans.find((p) => p.name === name)!;
const TEAMS = plan('TEAMS1');
const FORMS = plan('FORMS_PLAN_E1');
const SWAY = plan('SWAY');
let r: RosterUnderTest;
const owner = () => ({ teamId: r.fake.teamId, slackUserId: OWNER });

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 10);
  for (const alias of ['ana', 'bob', 'dan']) await makeUser(r.db.ctx, alias, {}, owner());
  // Cai and Eve hold Business Basic already, with Forms turned off.
  for (const alias of ['cai', 'eve']) await makeUser(r.db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [FORMS.id] }] }, owner());
});
afterAll(async () => {
  expect(r.logs.filter((line) => line.includes('malformed Slack payload ignored'))).toEqual([]);
  await r.stop();
});

/** The apps turned off in Business Basic for `alias`, by display name (undefined: no Business Basic). */
async function appsOff(alias: string): Promise<string[] | undefined> {
  const shown = await showUser(r.db.ctx, owner(), `${alias}@contoso.onmicrosoft.com`);
  if (!shown.ok) throw new Error(shown.message);
  return shown.user.licenses
    .find((l) => l.skuId === BASIC.skuId)
    ?.disabledApps.slice()
    .sort();
}

async function opened(send: () => Promise<unknown>): Promise<string> {
  const before = r.fake.calls().length;
  await send();
  const call = await r.fake.waitFor('views.open', { after: before });
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return (call.response as unknown as { view: { id: string } }).view.id;
}

/** Waits for a DM to the owner, after the first `count`, that says `pattern` (a results DM comes with its file's message). */
const dmSaying = (count: number, pattern: RegExp) =>
  r.fake.waitFor(
    () =>
      r.fake
        .dmsTo(OWNER)
        .slice(count)
        .some((m) => pattern.test(text(m))),
    { timeoutMs: 10_000 },
  );

describe('Edit many: an apps picker per product given', () => {
  it('shows a picker for each chosen product, and gives the product with those apps off (who had it keeps theirs on Add)', async () => {
    const viewId = await opened(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    const blockIds = () => (r.fake.viewRecord(viewId)!.view.blocks as { block_id?: string }[]).map((b) => b.block_id ?? '');
    expect(blockIds().filter((id) => id.startsWith('apps:'))).toEqual([]);
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: [BASIC.skuId], view: r.fake.viewRecord(viewId)!.view });
    const update = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === viewId, { after: before });
    expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
    const form = r.fake.viewRecord(viewId)!.view;
    expect(form.callback_id).toBe(CALLBACK.editMany);
    expect(blockIds()).toContain(`apps:${BASIC.skuId}`);
    expect(validateView(form, 'modal')).toEqual([]);

    const dms = r.fake.dmsTo(OWNER).length;
    const submitted = await r.sim.viewSubmission(
      form,
      {
        usernames: { value: plainText('ana@contoso.onmicrosoft.com, bob@contoso.onmicrosoft.com, cai@contoso.onmicrosoft.com') },
        licenseMode: { value: radio('add') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([TEAMS.id, SWAY.id]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await dmSaying(dms, /2 changed, 1 already as asked, 0 not changed/);
    expect(await appsOff('ana')).toEqual([SWAY.displayName, TEAMS.displayName].sort());
    expect(await appsOff('bob')).toEqual([SWAY.displayName, TEAMS.displayName].sort());
    expect(await appsOff('cai')).toEqual([FORMS.displayName]);
  });

  it('Replace sets the chosen apps for everyone', async () => {
    const viewId = await opened(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: [BASIC.skuId], view: r.fake.viewRecord(viewId)!.view });
    await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === viewId, { after: before });
    const dms = r.fake.dmsTo(OWNER).length;
    await r.sim.viewSubmission(
      r.fake.viewRecord(viewId)!.view,
      {
        usernames: { value: plainText('cai@contoso.onmicrosoft.com') },
        licenseMode: { value: radio('replace') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([TEAMS.id]) },
      },
      { userId: OWNER },
    );
    await dmSaying(dms, /1 changed, 0 already as asked, 0 not changed/);
    expect(await appsOff('cai')).toEqual([TEAMS.displayName]);
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });
});

describe('the Licenses page assign form: an apps picker for the product', () => {
  it('turns the chosen apps off, and who had the product keeps the apps they had turned off', async () => {
    const viewId = await opened(() => r.sim.command('/licenses', `assign ${BASIC.partNumber}`, { userId: OWNER }));
    const form = r.fake.viewRecord(viewId)!.view;
    expect(text(form.blocks)).toMatch(/"block_id":"licenseApps".*Users who already have Microsoft 365 Business Basic keep the apps they turned off/);
    const ids = await r.db.db.selectFrom('DirectoryUser').select(['id', 'aliasKey']).where('aliasKey', 'in', ['dan', 'eve']).execute();
    const dms = r.fake.dmsTo(OWNER).length;
    const submitted = await r.sim.viewSubmission(
      form,
      {
        licenseUsers: {
          value: {
            type: 'multi_external_select',
            selected_options: ids.map((u) => ({ text: { type: 'plain_text', text: u.aliasKey }, value: u.id })),
          },
        },
        licenseApps: { value: multiStaticSelect([TEAMS.id]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await dmSaying(dms, /Assigned Microsoft 365 Business Basic to 2 users; 0 not done/);
    expect(await appsOff('dan')).toEqual([TEAMS.displayName]);
    expect(await appsOff('eve')).toEqual([FORMS.displayName, TEAMS.displayName].sort());
  });
});
