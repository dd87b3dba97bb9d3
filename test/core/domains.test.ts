import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeDomain } from '../../src/core/domains/change-domains.js';
import { checkDomainName } from '../../src/core/domains/domain-name.js';
import { listDomains } from '../../src/core/domains/list-domains.js';
import type { OperatorActor } from '../../src/core/context.js';
import { addUserOptions } from '../../src/core/users/add-user-options.js';
import { addUser } from '../../src/core/users/add-user.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
const USER_ADMIN: OperatorActor = { teamId: TEAM, operator: 'ua', roles: ['user_admin'] };
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

const add = (alias: string, domain: string) =>
  addUser(db.ctx, OWNER, { firstName: alias, lastName: 'X', displayName: `${alias} X`, alias, domain, password: { mode: 'auto' } });

describe('domains', () => {
  it('a Global admin adds a domain (unverified, with its TXT value), verifies it, makes it the default; users can then be made on it, offered first', async () => {
    const added = await changeDomain(db.ctx, OWNER, 'add', ' Contoso.COM ');
    expect(added).toMatchObject({
      ok: true,
      domain: { name: 'contoso.com', verified: false, isDefault: false, verificationCode: expect.stringMatching(/^roster-verification=[0-9a-f]{24}$/) },
    });
    expect((await add('ana', 'contoso.com')).ok).toBe(false);
    expect(await changeDomain(db.ctx, OWNER, 'default', 'contoso.com')).toMatchObject({ ok: false, message: expect.stringMatching(/not verified yet/) });
    expect(await changeDomain(db.ctx, OWNER, 'verify', 'contoso.com')).toMatchObject({ ok: true, domain: { verified: true } });
    expect((await add('ana', 'contoso.com')).ok).toBe(true);
    await changeDomain(db.ctx, OWNER, 'add', 'fabrikam.com');
    await changeDomain(db.ctx, OWNER, 'verify', 'fabrikam.com');
    expect(await changeDomain(db.ctx, OWNER, 'default', 'fabrikam.com')).toMatchObject({ ok: true, domain: { isDefault: true } });
    const options = await addUserOptions(db.ctx, OWNER);
    expect(options.ok && options.options.domains).toEqual(['fabrikam.com', 'contoso.com', 'contoso.onmicrosoft.com']);
    await changeDomain(db.ctx, OWNER, 'default', 'contoso.com');
    const listed = await listDomains(db.ctx, OWNER);
    expect(listed.ok && listed.domains.map((d) => [d.name, d.isDefault])).toEqual([
      ['contoso.onmicrosoft.com', false],
      ['contoso.com', true],
      ['fabrikam.com', false],
    ]);
    const audit = await db.db.selectFrom('AuditRecord').select('action').where('action', 'like', 'domain.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['domain.add', 'domain.add', 'domain.default', 'domain.default', 'domain.verify', 'domain.verify']);
  });

  it('refuses to remove the initial domain, the default one, or one that users have (deleted ones included); removes the rest', async () => {
    await changeDomain(db.ctx, OWNER, 'add', 'contoso.com');
    await changeDomain(db.ctx, OWNER, 'verify', 'contoso.com');
    await changeDomain(db.ctx, OWNER, 'add', 'spare.com');
    expect(await changeDomain(db.ctx, OWNER, 'remove', 'contoso.onmicrosoft.com')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/initial domain/),
    });
    expect((await add('ana', 'contoso.com')).ok).toBe(true);
    expect(await changeDomain(db.ctx, OWNER, 'remove', 'contoso.com')).toMatchObject({
      ok: false,
      message: '1 user has a username on contoso.com (deleted users within their 30 days count): change their usernames first.',
    });
    await changeDomain(db.ctx, OWNER, 'default', 'contoso.com');
    expect(await changeDomain(db.ctx, OWNER, 'remove', 'contoso.com')).toMatchObject({ ok: false, message: expect.stringMatching(/default domain/) });
    expect(await changeDomain(db.ctx, OWNER, 'remove', 'spare.com')).toMatchObject({ ok: true, domain: { name: 'spare.com' } });
    const listed = await listDomains(db.ctx, OWNER);
    expect(listed.ok && listed.domains.map((d) => d.name)).toEqual(['contoso.onmicrosoft.com', 'contoso.com']);
  });

  it('a domain verified by another organization cannot be added; bad names are named; only a Global admin changes domains', async () => {
    const other = { teamId: 'T0OTHER', slackUserId: 'U0OTHER' };
    await setupTenant(db.ctx, other, {
      organizationName: 'Fabrikam',
      initialDomain: 'fabrikam',
      requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Other', email: 'o@example.com' },
    });
    await changeDomain(db.ctx, other, 'add', 'fabrikam.com');
    await changeDomain(db.ctx, other, 'verify', 'fabrikam.com');
    expect(await changeDomain(db.ctx, OWNER, 'add', 'fabrikam.com')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/belongs to another organization/),
    });
    expect(await changeDomain(db.ctx, USER_ADMIN, 'add', 'contoso.com')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await listDomains(db.ctx, USER_ADMIN)).toMatchObject({ ok: true, canManage: false });
    for (const [text, problem] of [
      ['', /Give the domain/],
      ['contoso', /not a domain name/],
      ['-bad-.com', /not a domain name/],
      ['x.onmicrosoft.com', /onmicrosoft\.com, which is Microsoft's/],
      [`${'a'.repeat(45)}.com`, /49 characters; a domain has at most 48/],
    ] as const)
      expect(checkDomainName(text)).toEqual({ problem: expect.stringMatching(problem) });
  });
});
