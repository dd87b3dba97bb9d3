import { addDays, subDays } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAuditRetention, pruneAudit, setAuditRetention } from '../../src/core/audit/audit-retention.js';
import { parseAuditFilters, queryAudit } from '../../src/core/audit/query-audit.js';
import type { OperatorActor } from '../../src/core/context.js';
import { addUser } from '../../src/core/users/add-user.js';
import { writeAudit } from '../../src/store/audit.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('audit', (kind) => {
  let db: TestDatabase;
  let clock: Date;
  let tenantId: string;
  const OPS: OperatorActor = { teamId: TEAM, operator: 'ops', roles: ['global_admin'] };
  const READER: OperatorActor = { teamId: TEAM, operator: 'reader', roles: ['helpdesk_admin'] };

  beforeEach(async () => {
    clock = new Date('2026-06-01T12:00:00Z');
    db = await createTestDatabase(() => clock, { kind });
    tenantId = (await seedTenant(db.ctx)).tenantId;
    for (const alias of ['kim', 'lee']) {
      const made = await addUser(db.ctx, OWNER, {
        firstName: alias,
        lastName: 'Test',
        displayName: `${alias} Test`,
        alias,
        domain: 'contoso.onmicrosoft.com',
        password: { mode: 'auto' },
      });
      if (!made.ok) throw new Error(made.message);
    }
  });
  afterEach(async () => db.destroy());

  /** `n` records `everyHours` apart, the first a day before the clock, by `actor`. */
  async function history(n: number, actor: string, everyHours = 24) {
    for (let i = 0; i < n; i++)
      await writeAudit(
        db.db,
        { tenantId, actor, action: 'view.create', targetType: 'view', summary: `Made view ${i}` },
        subDays(clock, 1 + (i * everyHours) / 24),
      );
  }

  describe('queryAudit', () => {
    it('lists every record newest first, a page at a time: the pages together are the whole trail, each record once', async () => {
      await history(45, 'cli:ops', 1);
      const all = await db.db.selectFrom('AuditRecord').select('id').where('tenantId', '=', tenantId).execute();
      const seen: string[] = [];
      let page: string | undefined;
      let pages = 0;
      for (;;) {
        const result = await queryAudit(db.ctx, READER, { ...(page ? { page } : {}) });
        if (!result.ok) throw new Error(result.message);
        pages += 1;
        const times = result.entries.map((e) => e.at.getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));
        seen.push(...result.entries.map((e) => e.id));
        if (!result.next) break;
        page = result.next;
      }
      expect(pages).toBe(Math.ceil(all.length / 20));
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(all.map((r) => r.id).sort());
    });

    it('filters by the user changed, who changed, the action or its family, and a time window', async () => {
      await history(3, 'cli:ops');
      const kim = await queryAudit(db.ctx, OWNER, { user: 'kim' });
      expect(kim.ok && kim.entries.map((e) => [e.action, e.summary])).toEqual([['user.create', expect.stringContaining('kim@contoso.onmicrosoft.com')]]);
      const byOps = await queryAudit(db.ctx, OWNER, { by: 'cli:ops' });
      expect(byOps.ok && byOps.entries.map((e) => e.actor)).toEqual(['cli:ops', 'cli:ops', 'cli:ops']);
      const owner = await db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow();
      const byOwner = await queryAudit(db.ctx, OWNER, { by: owner.userPrincipalName });
      if (!byOwner.ok) throw new Error(byOwner.message);
      expect(byOwner.ok && new Set(byOwner.entries.map((e) => e.actor))).toEqual(new Set([OWNER.slackUserId]));
      const mention = await queryAudit(db.ctx, OWNER, { by: `<@${OWNER.slackUserId}|olivia>` });
      expect(mention.ok && mention.entries.length).toBe(byOwner.ok && byOwner.entries.length);
      const users = await queryAudit(db.ctx, OWNER, { action: 'user.' });
      expect(users.ok && new Set(users.entries.map((e) => e.action))).toEqual(new Set(['user.create']));
      const lastDay = await queryAudit(db.ctx, OWNER, { since: '12h' });
      expect(lastDay.ok && lastDay.entries.every((e) => e.at >= subDays(clock, 0.5))).toBe(true);
      expect(lastDay.ok && lastDay.entries.some((e) => e.actor === 'cli:ops')).toBe(false);
      const window = await queryAudit(db.ctx, OWNER, { since: '2026-05-29', until: '2026-05-31' });
      expect(window.ok && window.entries.map((e) => e.summary)).toEqual(['Made view 1', 'Made view 2']);
    });

    it('names the filter at fault, and refuses a member with no admin role', async () => {
      const problems = await Promise.all([
        queryAudit(db.ctx, OWNER, { since: 'yesterday' }),
        queryAudit(db.ctx, OWNER, { until: '2026-02-30' }),
        queryAudit(db.ctx, OWNER, { user: 'nobody' }),
        queryAudit(db.ctx, OWNER, { action: 'drop table' }),
        queryAudit(db.ctx, OWNER, { page: 'forged' }),
      ]);
      expect(problems.map((p) => (p.ok ? 'ok' : p.message.split(':')[0]))).toEqual(['since', 'until', 'user', 'action', 'page']);
      const member = await queryAudit(db.ctx, { teamId: TEAM, slackUserId: 'U0NOBODY' }, {});
      expect(member.ok).toBe(false);
      expect(parseAuditFilters('user:kim since:7d')).toEqual({ ok: true, user: 'kim', since: '7d' });
      expect(parseAuditFilters('kim')).toMatchObject({ ok: false, message: expect.stringMatching(/^"kim" is not a filter/) });
    });
  });

  describe('audit retention', () => {
    it('only a Global admin sets it, at least 30 days or forever; the sweep then removes older records, in every organization that set one', async () => {
      await history(24 * 40, 'cli:ops', 1); // 40 days of hourly records
      expect(await checkAuditRetention(db.ctx, READER, '90')).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await setAuditRetention(db.ctx, OPS, '7')).toMatchObject({ ok: false, message: expect.stringMatching(/30 to 36,500/) });
      expect(await pruneAudit(db.ctx)).toBe(0); // forever, the default
      expect(await checkAuditRetention(db.ctx, OPS, '30')).toEqual({ ok: true, days: 30, current: null });
      expect(await setAuditRetention(db.ctx, OPS, '30')).toEqual({ ok: true, days: 30 });
      const before = await db.db.selectFrom('AuditRecord').select('createdAt').where('tenantId', '=', tenantId).execute();
      const old = before.filter((r) => new Date(r.createdAt) < subDays(clock, 30)).length;
      expect(old).toBeGreaterThan(200);
      expect(await pruneAudit(db.ctx)).toBe(old);
      const left = await db.db.selectFrom('AuditRecord').select(['createdAt', 'action']).where('tenantId', '=', tenantId).execute();
      expect(left.every((r) => new Date(r.createdAt) >= subDays(clock, 30))).toBe(true);
      expect(left.filter((r) => r.action === 'tenant.audit_retention')).toHaveLength(1);
      clock = addDays(clock, 1);
      expect(await pruneAudit(db.ctx)).toBe(24);
      expect(await setAuditRetention(db.ctx, OPS, 'forever')).toEqual({ ok: true, days: null });
      clock = addDays(clock, 1);
      expect(await pruneAudit(db.ctx)).toBe(0);
    });
  });
});
