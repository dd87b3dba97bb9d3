import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { OWNER, seedContoso } from './import-helpers.js';

let r: RosterUnderTest;
/** 25 products with several apps each, bought on top of Contoso's Business Basic. */
const MANY = PRODUCTS.filter((p) => p.plans.length >= 2 && p.partNumber !== 'O365_BUSINESS_ESSENTIALS').slice(0, 25);

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
  for (const product of MANY) {
    const bought = await buyLicenses(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER }, { product: product.partNumber, quantity: 1 });
    if (!bought.ok) throw new Error(bought.message);
  }
});
afterAll(async () => {
  // Every request above was well formed: none may have been turned away at the edge.
  expect(r.logs.filter((line) => line.includes('malformed Slack payload ignored'))).toEqual([]);
  await r.stop();
});

type Block = { block_id?: string; element?: { type?: string; options?: { value: string }[] } };
const blocksOf = (viewId: string) => r.fake.viewRecord(viewId)!.view.blocks as Block[];
const appsPickers = (viewId: string) =>
  blocksOf(viewId)
    .map((b) => b.block_id ?? '')
    .filter((id) => id.startsWith('apps:'))
    .sort();

async function openForm(): Promise<string> {
  const before = r.fake.calls().length;
  await r.sim.command('/users', 'add', { userId: OWNER });
  const opened = await r.fake.waitFor('views.open', { after: before });
  expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
  return (opened.response as unknown as { view: { id: string } }).view.id;
}

async function choose(viewId: string, blockId: string, selection: { selectedOptions?: string[]; selectedOption?: string }): Promise<void> {
  const before = r.fake.calls().length;
  const res = await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId, view: r.fake.viewRecord(viewId)!.view, ...selection });
  expect(res.status).toBe(200);
  const update = await r.fake.waitFor('views.update', { after: before });
  expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
}

describe('the Add user form sends only what is needed', () => {
  it('offers every product the organization owns, with no "Apps to turn off" picker and no country list', async () => {
    const viewId = await openForm();
    const licenses = blocksOf(viewId).find((b) => b.block_id === 'licenses')!;
    expect(licenses.element!.options!.map((o) => o.value).sort()).toEqual(
      [...MANY.map((p) => p.skuId), PRODUCTS.find((p) => p.partNumber === 'O365_BUSINESS_ESSENTIALS')!.skuId].sort(),
    );
    expect(appsPickers(viewId)).toEqual([]);
    const location = blocksOf(viewId).find((b) => b.block_id === 'usageLocation')!;
    expect(location.element!.type).toBe('external_select');
    expect(JSON.stringify(r.fake.viewRecord(viewId)!.view)).not.toContain('Netherlands');
  });

  it('shows a picker for each chosen product only, and keeps them when the password mode changes', async () => {
    const viewId = await openForm();
    const [first, second, third] = MANY;
    await choose(viewId, 'licenses', { selectedOptions: [first!.skuId, second!.skuId] });
    expect(appsPickers(viewId)).toEqual([`apps:${first!.skuId}`, `apps:${second!.skuId}`].sort());
    await choose(viewId, 'passwordMode', { selectedOption: 'custom' });
    expect(blocksOf(viewId).some((b) => b.block_id === 'password')).toBe(true);
    expect(appsPickers(viewId)).toEqual([`apps:${first!.skuId}`, `apps:${second!.skuId}`].sort());
    await choose(viewId, 'licenses', { selectedOptions: [third!.skuId] });
    expect(appsPickers(viewId)).toEqual([`apps:${third!.skuId}`]);
    expect(blocksOf(viewId).some((b) => b.block_id === 'password')).toBe(true);
    expect(validateView(r.fake.viewRecord(viewId)!.view, 'modal')).toEqual([]);
  });

  it('loads the countries when the usage location is opened or typed in', async () => {
    const viewId = await openForm();
    const view = r.fake.viewRecord(viewId)!.view;
    const ask = (value: string) => r.sim.blockSuggestion({ userId: OWNER, view, blockId: 'usageLocation', actionId: 'value', value });
    const all = await ask('');
    expect(all.problems).toEqual([]);
    const groups = (all.body as { option_groups: { options: { value: string }[] }[] }).option_groups;
    expect(groups.flatMap((g) => g.options).length).toBe(249);
    const byName = await ask('nether');
    expect((byName.body as { options: { value: string }[] }).options.map((o) => o.value)).toEqual(['NL', 'BQ']); // Netherlands, then Caribbean Netherlands
    const byCode = await ask('de');
    expect((byCode.body as { options: { value: string; text: { text: string } }[] }).options[0]).toMatchObject({ value: 'DE', text: { text: 'Germany (DE)' } });
    expect(byCode.problems).toEqual([]);
  });
});
