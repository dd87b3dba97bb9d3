import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteCustomView, listCustomViews } from '../../src/core/views/custom-view-admin.js';
import { MAX_CUSTOM_VIEWS, saveCustomView } from '../../src/core/views/save-custom-view.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('custom views', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const fieldsOf = (result: { ok: boolean; fields?: { field: string; message: string }[] }) =>
    Object.fromEntries((result.fields ?? []).map((f) => [f.field, f.message]));

  describe('custom views', () => {
    it('refuses the 51st view, a domain or product the organization lacks, and a Helpdesk admin; audits what it saves', async () => {
      for (let i = 0; i < MAX_CUSTOM_VIEWS; i++) {
        expect(await saveCustomView(db.ctx, OWNER, { name: `View ${i}`, conditions: { department: `Dept ${i}` } })).toMatchObject({ ok: true });
      }
      const over = await saveCustomView(db.ctx, OWNER, { name: 'One too many', conditions: { city: 'Delft' } });
      expect(over).toMatchObject({ ok: false, code: 'limit_exceeded' });
      expect(fieldsOf(over as never).name).toMatch(/at most 50 custom views/);
      const bad = await saveCustomView(db.ctx, OWNER, { name: 'Bad', conditions: { domain: 'fabrikam.com', skuId: 'not-owned', usageLocation: 'zz9' } });
      expect(Object.keys(fieldsOf(bad as never)).sort()).toEqual(['usageLocation']);
      const notOurs = await saveCustomView(db.ctx, OWNER, { name: 'Bad', conditions: { domain: 'fabrikam.com', skuId: 'not-owned' } });
      expect(fieldsOf(notOurs as never)).toEqual({ domain: expect.stringMatching(/not a domain of Contoso/), skuId: expect.stringMatching(/has no/) });
      const helpdesk = { teamId: TEAM, operator: 'desk', roles: ['helpdesk_admin' as const] };
      expect(await saveCustomView(db.ctx, helpdesk, { name: 'Mine', conditions: { city: 'Delft' } })).toMatchObject({ ok: false, code: 'forbidden' });
      const listed = await listCustomViews(db.ctx, helpdesk);
      expect(listed).toMatchObject({ ok: true, canManage: false });
      if (!listed.ok) return;
      expect(listed.views).toHaveLength(MAX_CUSTOM_VIEWS);
      expect(await deleteCustomView(db.ctx, OWNER, listed.views[0]!.id)).toMatchObject({ ok: true, name: 'View 0' });
      expect(await deleteCustomView(db.ctx, OWNER, listed.views[0]!.id)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await saveCustomView(db.ctx, OWNER, { name: 'Now it fits', conditions: { syncedOnly: true } })).toMatchObject({ ok: true, created: true });
      expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', 'in', ['view.create', 'view.delete']))).toBe(MAX_CUSTOM_VIEWS + 2);
    });

    it("refuses a standard view's name, which /users list would open instead", async () => {
      const taken = await saveCustomView(db.ctx, OWNER, { name: 'global ADMINS', conditions: { department: 'IT' } });
      expect(fieldsOf(taken)).toEqual({ name: '"global ADMINS" is a standard view\'s name; choose another name.' });
    });

    it('edits a view in place, keeping its name unique regardless of case', async () => {
      const a = await saveCustomView(db.ctx, OWNER, { name: 'Canadian users', conditions: { usageLocation: 'ca' } });
      const b = await saveCustomView(db.ctx, OWNER, { name: 'Dutch users', conditions: { usageLocation: 'NL' } });
      if (!a.ok || !b.ok) throw new Error('setup');
      expect(fieldsOf((await saveCustomView(db.ctx, OWNER, { id: b.id, name: 'CANADIAN USERS', conditions: { usageLocation: 'NL' } })) as never).name).toMatch(
        /already a view named/,
      );
      expect(await saveCustomView(db.ctx, OWNER, { id: a.id, name: 'Canadian users', conditions: { usageLocation: 'CA', syncedOnly: true } })).toMatchObject({
        ok: true,
        created: false,
      });
      const listed = await listCustomViews(db.ctx, OWNER);
      if (!listed.ok) throw new Error(listed.message);
      expect(listed.views.find((v) => v.id === a.id)!.conditions).toEqual({ usageLocation: 'CA', syncedOnly: true });
    });
  });
});
