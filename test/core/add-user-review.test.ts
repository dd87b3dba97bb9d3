/** Add user's rehearsal (the wizard's review, issue 18 item 9) and the sealed answers its steps carry. */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { addUser } from '../../src/core/users/add-user.js';
import { openAddUserDraft, sealAddUserDraft } from '../../src/core/users/add-user-draft.js';
import type { AddUserInput } from '../../src/core/users/add-user-input.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
const NOW = new Date('2026-11-23T10:00:00Z');
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const TEAMS = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
beforeEach(async () => {
  db = await createTestDatabase(() => NOW);
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 1 });
});
afterEach(async () => db.destroy());

const ana: AddUserInput = {
  firstName: 'Ana',
  lastName: 'Silva',
  alias: 'ana',
  domain: 'contoso.onmicrosoft.com',
  password: { mode: 'custom', value: 'Chosen-Pass-77' },
  requirePasswordChange: false,
  credentialRecipients: ['U0HR'],
  usageLocation: 'nl',
  licenses: [{ skuId: BASIC.skuId, disabledPlans: [TEAMS.id] }],
  roles: ['user_admin'],
  alternateEmail: 'ana@example.com',
  jobTitle: 'Engineer',
  city: 'Lisbon',
};

describe('addUser dry run: what the review shows', () => {
  it('says what would be made, writes nothing and takes no seat', async () => {
    const audits = await countRows(db.db, 'AuditRecord');
    const rehearsal = await addUser(db.ctx, OWNER, ana, { dryRun: true });
    expect(rehearsal.ok).toBe(true);
    if (!rehearsal.ok) return;
    expect(rehearsal.dryRun).toBe(true);
    expect(rehearsal.review).toEqual({
      displayName: 'Ana Silva',
      firstName: 'Ana',
      lastName: 'Silva',
      userPrincipalName: 'ana@contoso.onmicrosoft.com',
      signInAllowed: true,
      startDate: null,
      startsAt: null,
      password: 'chosen',
      mustChangeAtNextSignIn: false,
      passwordExpiresAt: new Date('2027-02-21T10:00:00Z'),
      credentialRecipients: ['U0HR'],
      usageLocation: 'NL',
      licenses: [{ skuId: BASIC.skuId, product: BASIC.displayName, partNumber: BASIC.partNumber, appsOff: [TEAMS.displayName] }],
      roles: ['user_admin'],
      alternateEmail: 'ana@example.com',
      slackUserId: null,
      profile: [
        { field: 'jobTitle', label: 'Job title', value: 'Engineer' },
        { field: 'city', label: 'City', value: 'Lisbon' },
      ],
    });
    expect(JSON.stringify(rehearsal.review)).not.toContain('Chosen-Pass-77');
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana'))).toBe(0);
    expect(await countRows(db.db, 'AuditRecord')).toBe(audits);
    const pool = await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow();
    expect(pool.assigned).toBe(0);
  });

  it('checks what only creation used to check: a seat left', async () => {
    expect((await addUser(db.ctx, OWNER, { ...ana, alias: 'bo', password: { mode: 'auto' } })).ok).toBe(true);
    const rehearsal = await addUser(db.ctx, OWNER, ana, { dryRun: true });
    expect(rehearsal.ok).toBe(false);
    if (rehearsal.ok) return;
    expect(rehearsal.fields?.map((f) => f.field)).toEqual(['licenses']);
    expect(rehearsal.message).toMatch(/Microsoft 365 Business Basic/);
  });
});

describe('the sealed answers between the steps', () => {
  const key = randomBytes(32);
  const owner = { teamId: 'T1', slackUserId: 'U0OWNER' };

  it('open for the same admin with the same key, and hold nothing readable', () => {
    const sealed = sealAddUserDraft(key, ana, owner, new Date());
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toMatch(/Chosen|Engineer|ana/);
    expect(openAddUserDraft(key, sealed, owner, new Date())).toMatchObject({ ...ana, password: { mode: 'custom', value: 'Chosen-Pass-77' } });
  });

  it('do not open for another admin, another workspace, another key, or when changed', () => {
    const sealed = sealAddUserDraft(key, ana, owner, new Date());
    expect(openAddUserDraft(key, sealed, { ...owner, slackUserId: 'U0OTHER' }, new Date())).toBeNull();
    expect(openAddUserDraft(key, sealed, { ...owner, teamId: 'T2' }, new Date())).toBeNull();
    expect(openAddUserDraft(randomBytes(32), sealed, owner, new Date())).toBeNull();
    expect(openAddUserDraft(key, `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`, owner, new Date())).toBeNull();
    expect(openAddUserDraft(key, '', owner, new Date())).toBeNull();
  });

  it('last an hour: a review left open longer finishes nothing (it may hold a typed password)', () => {
    const sealedAt = new Date('2026-12-04T10:00:00Z');
    const sealed = sealAddUserDraft(key, ana, owner, sealedAt);
    expect(openAddUserDraft(key, sealed, owner, new Date('2026-12-04T10:59:59Z'))).not.toBeNull();
    expect(openAddUserDraft(key, sealed, owner, new Date('2026-12-04T11:00:01Z'))).toBeNull();
  });
});
