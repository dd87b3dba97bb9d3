import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_CAP, listUsers } from '../../src/core/views/list-users.js';
import { STANDARD_VIEWS, type ViewConditions } from '../../src/core/views/view-conditions.js';
import { countUsers, listUsersPage, type Cursor, type UserFilter } from '../../src/store/user-views.js';
import { generateDirectory, GENERATED_PRODUCTS, type GeneratedUser } from '../support/generate-directory.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { softDeleteUser } from '../../src/store/user-lifecycle.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('user views', (kind) => {
  let db: TestDatabase;
  let tenantId: string;
  let users: GeneratedUser[];

  beforeAll(async () => {
    db = await createTestDatabase(() => new Date('2026-12-02T10:00:00Z'), { kind });
    tenantId = (await seedTenant(db.ctx)).tenantId;
    users = await generateDirectory(db.db, tenantId, 1500, { seed: 7 });
  }, 60_000);
  afterAll(async () => db.destroy());

  /** The plain filter the SQL must agree with: the same rules, written over objects. */
  function matches(u: GeneratedUser, f: UserFilter): boolean {
    if (u.deleted) return false;
    for (const field of ['domain', 'usageLocation'] as const) if (f[field] !== undefined && u[field] !== f[field]) return false;
    // Profile text matches whatever its case.
    for (const field of ['department', 'city', 'state', 'country', 'jobTitle'] as const)
      if (f[field] !== undefined && u[field]?.toLowerCase() !== f[field]?.toLowerCase()) return false;
    if (f.signIn && u.accountEnabled !== (f.signIn === 'allowed')) return false;
    if (f.syncedOnly && u.source !== 'synced') return false;
    if (f.withErrors && u.licenseError === null) return false;
    if (f.guests && u.userType !== 'guest') return false;
    if (f.licensed && u.skuIds.length === 0) return false;
    if ((f.unlicensed || f.unlicensedWithMailbox) && u.skuIds.length > 0) return false;
    if (f.unlicensedWithMailbox && u.mailbox === 'none') return false;
    if (f.skuId !== undefined && !u.skuIds.includes(f.skuId)) return false;
    if (f.role !== undefined && !u.roles.includes(f.role as GeneratedUser['roles'][number])) return false;
    return true;
  }

  const byKey = (a: { displayName: string; id: string }, b: { displayName: string; id: string }) =>
    a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

  function expected(filter: UserFilter): string[] {
    // The owner made by setup is a Global admin with no generated fields: the oracle knows them too.
    return [...users.filter((u) => matches(u, filter))].sort(byKey).map((u) => u.id);
  }

  async function walkForward(filter: UserFilter, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let after: Cursor | undefined;
    for (;;) {
      const page = await listUsersPage(db.db, tenantId, filter, { ...(after ? { after } : {}), limit });
      ids.push(...page.rows.map((r) => r.id));
      expect(page.rows.length).toBeLessThanOrEqual(limit);
      if (!page.hasNext) return ids;
      const last = page.rows[page.rows.length - 1]!;
      after = { displayName: last.displayName, id: last.id };
    }
  }

  async function walkBackward(filter: UserFilter, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let before: Cursor = { displayName: '\uffff', id: '' };
    for (;;) {
      const page = await listUsersPage(db.db, tenantId, filter, { before, limit });
      ids.unshift(...page.rows.map((r) => r.id));
      if (!page.hasPrevious) return ids;
      const first = page.rows[0]!;
      before = { displayName: first.displayName, id: first.id };
    }
  }

  const generatedOnly = async (ids: string[]) => ids.filter((id) => users.some((u) => u.id === id));

  describe('standard views against a plain filter of the same 1,500 generated users', () => {
    it.each(STANDARD_VIEWS.map((v) => [v.name, v.filter] as const))('%s: every page, both directions, and the count', async (_name, filter) => {
      const want = expected(filter);
      const forward = await generatedOnly(await walkForward(filter, 37));
      expect(forward).toEqual(want);
      expect(await generatedOnly(await walkBackward(filter, 37))).toEqual(want);
      const owners = (await walkForward(filter, 500)).length - want.length;
      expect(owners).toBeLessThanOrEqual(1);
      expect((await countUsers(db.db, tenantId, filter, 100_000)).count).toBe(want.length + owners);
      if (filter !== STANDARD_VIEWS[0]!.filter) expect(want.length).toBeGreaterThan(0);
    });
  });

  describe('custom view conditions against the same plain filter', () => {
    const [basic] = GENERATED_PRODUCTS;
    const single: ViewConditions[] = [
      { domain: 'contoso.ca' },
      { signIn: 'allowed' },
      { signIn: 'blocked' },
      { usageLocation: 'CA' },
      { skuId: basic!.skuId },
      { department: 'Sales' },
      { city: 'Toronto' },
      { state: 'Ontario' },
      { country: 'Canada' },
      { jobTitle: 'Engineer' },
      { syncedOnly: true },
      { withErrors: true },
      { unlicensed: true },
      { unlicensedWithMailbox: true },
    ];
    const combined: ViewConditions[] = [
      // The admin center's example: "Canadian users".
      { domain: 'contoso.ca', usageLocation: 'CA' },
      { domain: 'contoso.ca', usageLocation: 'CA', skuId: basic!.skuId },
      { department: 'Engineering', signIn: 'blocked', syncedOnly: true },
      { unlicensedWithMailbox: true, country: 'Netherlands', jobTitle: 'Manager' },
    ];
    it.each([...single, ...combined].map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, conditions) => {
      const want = expected(conditions);
      expect(want.length).toBeGreaterThan(0);
      expect(await generatedOnly(await walkForward(conditions, 50))).toEqual(want);
      expect(await generatedOnly(await walkBackward(conditions, 50))).toEqual(want);
    });
  });

  describe('keyset paging while users come and go', () => {
    it('the next page starts right after the last row shown, even when rows before it were deleted', async () => {
      const first = await listUsers(db.ctx, OWNER, { view: 'licensed users', limit: 20 });
      if (!first.ok) throw new Error(first.message);
      expect(first.page.hasPrevious).toBe(false);
      expect(first.page.hasNext).toBe(true);
      const last = first.page.rows[19]!;
      // Someone deletes two users shown on this page; the next page neither skips nor repeats anyone.
      for (const row of first.page.rows.slice(0, 2)) await softDeleteUser(db.db, row.id, [], new Date());
      for (const u of users) if (u.id === first.page.rows[0]!.id || u.id === first.page.rows[1]!.id) u.deleted = true;
      const next = await listUsers(db.ctx, OWNER, { view: 'std:licensed', after: { displayName: last.displayName, id: last.id }, limit: 20 });
      if (!next.ok) throw new Error(next.message);
      const want = expected({ licensed: true });
      const at = want.indexOf(last.id);
      expect(next.page.rows.map((r) => r.id)).toEqual(want.slice(at + 1, at + 21));
      expect(next.page.hasPrevious).toBe(true);
      expect(next.view.name).toBe('Licensed users');
      expect(next.total).toEqual(want.length > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: want.length, capped: false });
    });

    it('matches profile text whatever its case: "SALES" finds the users of "Sales"', async () => {
      const department = users.find((u) => !u.deleted && u.department)!.department!;
      const shouted = { department: department.toUpperCase() };
      expect((await countUsers(db.db, tenantId, shouted, 100_000)).count).toBe(expected(shouted).length);
      expect(expected(shouted).length).toBeGreaterThan(0);
      expect(expected(shouted)).toEqual(expected({ department }));
    });

    it('refuses a view name it does not know, listing the standard ones', async () => {
      const result = await listUsers(db.ctx, OWNER, { view: 'martians' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/no view named "martians".*All users, Licensed users/);
    });
  });
});
