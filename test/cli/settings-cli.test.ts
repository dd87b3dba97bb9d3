import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

describe('roster settings and roster domains', () => {
  it('shows the settings and changes the password expiry; a value out of range names the option and exits 1', async () => {
    const shown = await roster('settings', '--output', 'json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual([
      { organization: 'Contoso', passwordExpiryDays: 90, seatWarningThreshold: 5, auditRetentionDays: null, timeZone: 'UTC', scheduleHour: 9 },
    ]);
    const bad = await roster('settings', '--password-expiry-days', '900');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--password-expiry-days/);
    const set = await roster('settings', '--password-expiry-days', '0');
    expect([set.code, set.stdout.trim()]).toEqual([0, 'Passwords now never expire.']);
    expect((await roster('settings')).stdout).toContain('passwords expire after: never');
  });

  it('adds a domain with its TXT record, verifies it, makes it the default, lists them, and refuses to remove the default', async () => {
    const added = await roster('domains', 'add', 'contoso.com');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /Publish a TXT record for contoso\.com with the value roster-verification=[0-9a-f]{24}, then: roster domains verify contoso\.com/,
    );
    expect((await roster('domains', 'verify', 'contoso.com')).code).toBe(0);
    expect((await roster('domains', 'default', 'contoso.com')).stdout.trim()).toBe('contoso.com is now the default domain.');
    const listed = await roster('domains', '--output', 'json');
    expect(JSON.parse(listed.stdout).map((d: { name: string; default: boolean }) => [d.name, d.default])).toEqual([
      ['contoso.onmicrosoft.com', false],
      ['contoso.com', true],
    ]);
    const refused = await roster('domains', 'remove', 'contoso.com');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/default domain/);
  });
});
