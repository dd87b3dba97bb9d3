import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/core/catalogue/catalogue.js';
import { homeSummary, type HomeSummary } from '../../src/core/tenant/home-summary.js';
import { setSeatWarning } from '../../src/core/tenant/set-seat-warning.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { changeSeatAlerts } from '../../src/core/licenses/change-seat-alerts.js';
import { homeView, HOME_MAX_PRODUCTS } from '../../src/slack/views/home-view.js';
import { validateView } from '../support/block-kit-validator.js';
import { unescapedBlockProblems } from '../support/fake-slack/escaping.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

function summary(products: number, views: number, threshold = 5): HomeSummary {
  return {
    organization: {
      name: 'Contoso <&>',
      initialDomain: 'contoso.onmicrosoft.com',
      domains: ['contoso.onmicrosoft.com'],
      userCount: 100_000,
      passwordExpiryDays: 90,
    },
    roles: ['global_admin'],
    can: { addUsers: true, buyLicenses: true, setUp: false, manageViews: true, manageSettings: true },
    licenses: PRODUCTS.slice(0, products).map((product, i) => ({ product, total: 100, assigned: 100 - (i % 10), available: i % 10 })),
    seatWarningThreshold: threshold,
    views: Array.from({ length: views }, (_, i) => ({ ref: `cv:${i}`, name: `View <${i}>` })),
    recentChanges: Array.from({ length: 10 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 11, 1, i)),
      actorSlackUserId: i % 2 ? 'U0OWNER' : 'cli:ops',
      summary: `Change <${i}>`,
    })),
  };
}

describe('the App Home at scale', () => {
  it.each([
    [0, 0],
    [5, 3],
    [HOME_MAX_PRODUCTS, 20],
    [400, 50],
  ])('%i products and %i views stay within Slack limits and under 100 blocks', (products, views) => {
    const view = homeView(summary(products, views));
    expect(validateView(view, 'home')).toEqual([]);
    expect(unescapedBlockProblems(view.blocks, 'home')).toEqual([]);
    expect(view.blocks.length).toBeLessThan(60);
    const text = JSON.stringify(view);
    if (products > HOME_MAX_PRODUCTS) expect(text).toContain(`and ${products - HOME_MAX_PRODUCTS} more products`);
    if (views > 20) expect(text).toContain(`and ${views - 20} more views`);
    expect(text).not.toMatch(/<\d>|<&>/);
  });

  it('shows the products below the warning threshold first, with a warning', () => {
    const view = JSON.stringify(homeView(summary(400, 0, 3)));
    const lows = view.match(/:warning: only \d left/g) ?? [];
    expect(lows.length).toBe(HOME_MAX_PRODUCTS);
    expect(view).toContain('running low');
    expect(JSON.stringify(homeView(summary(400, 0, 0)))).not.toContain(':warning:');
  });
});

describe('setSeatWarning', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  it('lets a Global admin set it, refuses a value that is not a whole number, and the App Home warns below it', async () => {
    expect(await setSeatWarning(db.ctx, OWNER, 'ten')).toMatchObject({ ok: false, fields: [{ field: 'threshold' }] });
    expect(await setSeatWarning(db.ctx, { ...OWNER, operator: 'ops', roles: ['user_admin'] }, '3')).toMatchObject({ ok: false, code: 'forbidden' });
    await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 8 });
    expect(await setSeatWarning(db.ctx, OWNER, '10')).toMatchObject({ ok: true, threshold: 10 });
    const home = await homeSummary(db.ctx, OWNER);
    expect(home.seatWarningThreshold).toBe(10);
    expect(JSON.stringify(homeView(home))).toContain(':warning: only 8 left');
  });

  it("warns at a product's own seat alert threshold, over the organization's", async () => {
    await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 8 });
    expect(await changeSeatAlerts(db.ctx, OWNER, { set: { product: 'O365_BUSINESS_ESSENTIALS', seats: '9' } })).toMatchObject({ ok: true });
    expect(JSON.stringify(homeView(await homeSummary(db.ctx, OWNER)))).toContain(':warning: only 8 left');
    expect(await changeSeatAlerts(db.ctx, OWNER, { set: { product: 'O365_BUSINESS_ESSENTIALS', seats: '0' } })).toMatchObject({ ok: true });
    expect(await setSeatWarning(db.ctx, OWNER, '10')).toMatchObject({ ok: true });
    expect(JSON.stringify(homeView(await homeSummary(db.ctx, OWNER)))).not.toContain(':warning:');
  });
});
