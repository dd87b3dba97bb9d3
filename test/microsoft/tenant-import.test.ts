import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeImport, runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { BASIC, E3 } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { countRows, OWNER } from '../support/test-db.js';
import { connectedWorld, type ConnectedWorld } from './tenant-support.js';

/** Issue 16 item 4: an import into a connected tenant goes in JSON batches, at Graph's pace. */
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

describeOnEachDatabase('imports into a connected tenant', (kind) => {
  let w: ConnectedWorld;
  let dir: string;
  beforeEach(async () => {
    w = await connectedWorld({ kind });
    dir = mkdtempSync(path.join(tmpdir(), 'roster-tenant-import-'));
  });
  afterEach(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = (n: number, prefix = 'hire') =>
    Array.from({ length: n }, (_, i) => `${prefix}${i + 1}@contoso.com,Hire,${i + 1},Hire ${i + 1},,Sales,,,,,,,,,,`);
  const settings = (overrides: Partial<ImportSettings> = {}): ImportSettings => ({
    signInAllowed: true,
    usageLocation: 'NL',
    licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
    whenSeatsRunOut: 'create_unlicensed',
    recipients: [],
    ...overrides,
  });

  async function importRows(lines: string[], chosen = settings(), name = 'hires.csv') {
    const file = path.join(dir, name);
    writeFileSync(file, `${[HEADER, ...lines].join('\r\n')}\r\n`);
    const verified = await verifyImport(w.db.ctx, OWNER, { path: file, fileName: name, fileId: `F-${name}` });
    if (!verified.ok) throw new Error(verified.message);
    const jobId = verified.preview.jobId!;
    const started = await startImport(w.db.ctx, OWNER, jobId, chosen);
    if (!started.ok) throw new Error(started.message);
    return { jobId, file, outcome: await runImport(w.db.ctx, jobId, file) };
  }

  const batches = (from = 0) =>
    w.graph
      .calls()
      .slice(from)
      .filter((c) => c.path === '/v1.0/$batch');
  const inner = (from = 0) =>
    w.graph
      .calls()
      .slice(from)
      .filter((c) => c.inner);

  describe('an import into a connected organization', () => {
    it('makes every user in the tenant in JSON batches of at most 20 requests, each license after its user, then records them', async () => {
      const before = w.graph.calls().length;
      const { outcome } = await importRows(rows(8));
      expect(outcome).toMatchObject({ status: 'completed', created: 8, skipped: 0 });
      // 8 users, a creation and a license each: 16 requests, in one batch.
      expect(batches(before)).toHaveLength(1);
      expect(inner(before).map((c) => `${c.method} ${c.path.replace(/\/users\/[^/]+\/assignLicense/, '/users/UPN/assignLicense')}`)).toEqual(
        Array.from({ length: 8 }, () => ['POST /v1.0/users', 'POST /v1.0/users/UPN/assignLicense']).flat(),
      );
      for (let i = 1; i <= 8; i++)
        expect(w.graph.tenant.find(`hire${i}@contoso.com`)?.user).toMatchObject({
          usageLocation: 'NL',
          assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
        });
      const local = await w.db.db.selectFrom('DirectoryUser').select(['externalId', 'upnKey']).where('upnKey', 'like', 'hire%').execute();
      expect(local).toHaveLength(8);
      for (const row of local) expect(row.externalId).toBe(w.graph.tenant.find(row.upnKey)!.user.id);
      expect(await countRows(w.db.db, 'TenantCreation')).toBe(0);
      const passwords = [...outcome.results].map((r) => r.temporaryPassword);
      expect(passwords.every((p) => typeof p === 'string' && p.length >= 8)).toBe(true);
    });

    it('at Graph pace: many batches, throttled requests sent again after their Retry-After, every user made once', async () => {
      w.graph.throttle({ fraction: 0.2, retryAfter: 2, inBatchOnly: true, seed: 7 });
      w.waits.length = 0;
      const { outcome } = await importRows(rows(30), settings({ licenses: [] }));
      expect(outcome).toMatchObject({ status: 'completed', created: 30 });
      expect(w.graph.stats.throttled).toBeGreaterThan(0);
      expect(w.waits.filter((ms) => ms === 2000).length).toBeGreaterThan(0);
      const creations = inner().filter((c) => c.method === 'POST' && c.path === '/v1.0/users' && c.status === 201);
      expect(creations).toHaveLength(30);
      expect(w.graph.tenant.activeUsers().filter((u) => u.userPrincipalName!.startsWith('hire'))).toHaveLength(30);
    });

    it('a user the tenant refuses is left out in its words; a license it refuses leaves the user made without it ("create the rest")', async () => {
      w.graph.tenant.addUser({ userPrincipalName: 'hire2@contoso.com', displayName: 'Made in the admin center' });
      // Every E3 seat was taken in the admin center since the last sync: Roster still counts 5.
      for (let i = 1; i <= 5; i++)
        w.graph.tenant.addUser({ userPrincipalName: `e3-${i}@contoso.com`, assignedLicenses: [{ skuId: E3.skuId, disabledPlans: [] }] });
      const { outcome } = await importRows(rows(3), settings({ licenses: [{ skuId: E3.skuId, disabledPlans: [] }] }));
      expect(outcome).toMatchObject({ created: 0, createdWithoutLicense: 2, skipped: 1 });
      const results = [...outcome.results];
      expect(results.find((r) => r.rowNumber === 3)).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining('hire2@contoso.com is already used in Contoso Ltd'),
      });
      expect(results.find((r) => r.rowNumber === 2)).toMatchObject({
        status: 'created_without_license',
        reason: expect.stringContaining('No Office 365 E3 licenses are left in Contoso Ltd'),
      });
      const hire1 = await w.db.db
        .selectFrom('DirectoryUser')
        .select(['licenseError', 'externalId'])
        .where('upnKey', '=', 'hire1@contoso.com')
        .executeTakeFirstOrThrow();
      expect(hire1.licenseError).toContain('No Office 365 E3 licenses are left');
      expect(w.graph.tenant.find('hire1@contoso.com')?.user.assignedLicenses).toEqual([]);
    });

    it('"licensed only": a user whose license the tenant refuses is not left made', async () => {
      for (let i = 1; i <= 5; i++)
        w.graph.tenant.addUser({ userPrincipalName: `e3-${i}@contoso.com`, assignedLicenses: [{ skuId: E3.skuId, disabledPlans: [] }] });
      const { outcome } = await importRows(rows(2), settings({ licenses: [{ skuId: E3.skuId, disabledPlans: [] }], whenSeatsRunOut: 'licensed_only' }));
      expect(outcome).toMatchObject({ created: 0, createdWithoutLicense: 0, skipped: 2 });
      expect(w.graph.tenant.find('hire1@contoso.com')).toBeUndefined();
      expect(await countRows(w.db.db, 'DirectoryUser', (q) => q.where('upnKey', 'like', 'hire%'))).toBe(0);
    });

    it('synced users are not imported into a connected tenant: Microsoft Entra Connect brings them', async () => {
      const file = path.join(dir, 'synced.csv');
      writeFileSync(file, `${[HEADER, ...rows(1)].join('\r\n')}\r\n`);
      const verified = await verifyImport(w.db.ctx, OWNER, { path: file, fileName: 'synced.csv', fileId: 'F-synced' });
      if (!verified.ok) throw new Error(verified.message);
      expect(await startImport(w.db.ctx, OWNER, verified.preview.jobId!, settings({ synced: true, licenses: [] }))).toMatchObject({
        ok: false,
        code: 'unsupported',
      });
    });
  });

  describe('an import whose answers from the tenant are lost', () => {
    it('recognizes the users a lost answer made when it asks again: none is made twice', async () => {
      w.graph.dropBatchAnswers(1);
      const { outcome } = await importRows(rows(3));
      expect(outcome).toMatchObject({ status: 'completed', created: 3, skipped: 0 });
      expect(w.graph.tenant.activeUsers().filter((u) => u.userPrincipalName!.startsWith('hire'))).toHaveLength(3);
      // Each user made once (the batch asked again met them, made since it asked), with the password its results reveal.
      expect(inner().filter((c) => c.method === 'POST' && c.path === '/v1.0/users' && c.status === 201)).toHaveLength(3);
      for (const result of outcome.results) {
        const id = w.graph.tenant.find(result.userName)!.user.id;
        const sent = w.graph
          .calls()
          .filter((c) => c.method === 'PATCH' && c.path === `/v1.0/users/${id}`)
          .at(-1)?.body as { passwordProfile?: { password: string } };
        expect(sent?.passwordProfile?.password).toBe(result.temporaryPassword);
      }
    });

    it('an import the tenant stops answering is interrupted; resumed, it takes the users made meanwhile as its own', async () => {
      w.graph.dropBatchAnswers(6);
      const first = await importRows(rows(4));
      expect(first.outcome).toMatchObject({ status: 'interrupted' });
      expect(first.outcome.failure).toContain('could not reach Microsoft');
      // The tenant made them; Roster recorded none, and remembers it asked.
      expect(w.graph.tenant.activeUsers().filter((u) => u.userPrincipalName!.startsWith('hire'))).toHaveLength(4);
      expect(await countRows(w.db.db, 'DirectoryUser', (q) => q.where('upnKey', 'like', 'hire%'))).toBe(0);
      expect(await countRows(w.db.db, 'TenantCreation')).toBe(4);

      const resumed = await resumeImport(w.db.ctx, OWNER, first.jobId);
      if (!resumed.ok) throw new Error(resumed.message);
      const second = await runImport(w.db.ctx, first.jobId, first.file);
      expect(second).toMatchObject({ status: 'completed', created: 4, skipped: 0 });
      expect(w.graph.tenant.activeUsers().filter((u) => u.userPrincipalName!.startsWith('hire'))).toHaveLength(4);
      const local = await w.db.db.selectFrom('DirectoryUser').select(['externalId', 'upnKey']).where('upnKey', 'like', 'hire%').execute();
      expect(local.map((u) => u.externalId).sort()).toEqual(local.map((u) => w.graph.tenant.find(u.upnKey)!.user.id).sort());
      expect(await countRows(w.db.db, 'TenantCreation')).toBe(0);
    });

    it('a username taken in the tenant before the import asked is not taken for its own', async () => {
      w.graph.tenant.addUser({ userPrincipalName: 'hire1@contoso.com', displayName: 'Older', createdDateTime: '2020-01-01T00:00:00Z' });
      w.graph.dropBatchAnswers(1);
      const { outcome } = await importRows(rows(2));
      expect([...outcome.results].find((r) => r.rowNumber === 2)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('already used') });
      expect(w.graph.tenant.find('hire1@contoso.com')?.user.displayName).toBe('Older');
    });
  });
});
