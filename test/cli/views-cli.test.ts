import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory, type GeneratedUser } from '../support/generate-directory.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let users: GeneratedUser[];
const dir = mkdtempSync(path.join(tmpdir(), 'roster-views-cli-'));
const roster = (...args: string[]) => rosterCli(db)(...args, '--role', 'helpdesk_admin');

beforeAll(async () => {
  db = await createTestDatabase();
  users = await generateDirectory(db.db, (await seedTenant(db.ctx)).tenantId, 250, { seed: 9 });
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('roster list, find and export', () => {
  it('lists every user of a view across pages, by display name', async () => {
    const listed = await roster('list', 'sign-in blocked');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(users.filter((u) => !u.deleted && !u.accountEnabled).length);
    const names = lines.map((l) => l.split('\t')[0]!);
    expect(names).toEqual([...names].sort());
    expect((await roster('list', 'nope')).code).toBe(1);
  });

  it('finds, and exports a view to a private file it will not overwrite', async () => {
    const found = await roster('find', users[0]!.userPrincipalName);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toContain(users[0]!.userPrincipalName);
    const out = path.join(dir, 'licensed.csv');
    const exported = await roster('export', 'licensed users', '--out', out);
    expect(exported.code).toBe(0);
    const licensed = users.filter((u) => !u.deleted && u.skuIds.length > 0).length;
    expect(exported.stdout).toBe(`Licensed users: ${licensed} users written to ${out}\n`);
    expect(readFileSync(out, 'utf8').startsWith('\uFEFFDisplay name,User principal name')).toBe(true);
    expect(statSync(out).mode & 0o077).toBe(0);
    const again = await roster('export', 'licensed users', '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('exports to standard output with --out -, writing no file', async () => {
    const exported = await roster('export', 'licensed users', '--out', '-');
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith('\uFEFFDisplay name,User principal name')).toBe(true);
    expect(exported.stderr).toMatch(/users written to standard output/);
    expect(readdirSync(process.cwd())).not.toContain('-');
  });

  it('writes list and find as json and csv', async () => {
    const json = await roster('list', 'sign-in blocked', '--output', 'json');
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(users.filter((u) => !u.deleted && !u.accountEnabled).length);
    expect(Object.keys(rows[0]!)).toEqual(['displayName', 'userPrincipalName', 'signInAllowed', 'licenseError']);
    expect(rows[0]!.signInAllowed).toBe(false);
    const csv = await roster('find', users[0]!.userPrincipalName, '--output', 'csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('displayName,userPrincipalName');
    expect(csv.stdout).toContain(users[0]!.userPrincipalName);
  });
});

describe('npm run roster -- export writes a private file', () => {
  const exportTo = (out: string, ...extra: string[]) => rosterCli(db)('export', 'all users', '--workspace', TEAM, '--out', out, ...extra);

  it('never writes through a symbolic link at --out; with --force the link itself is replaced', async () => {
    const target = path.join(dir, 'someone-elses.csv');
    writeFileSync(target, 'theirs');
    const link = path.join(dir, 'export-link.csv');
    symlinkSync(target, link);
    const refused = await exportTo(link);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists; choose another --out, or add --force/);
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);

    const forced = await exportTo(link, '--force');
    expect(forced.stdout).toMatch(/users written to/);
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(statSync(link).mode & 0o777).toBe(0o600);
    expect(readFileSync(link, 'utf8').startsWith('\uFEFFDisplay name,')).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing 0644 file with --force by a 0600 one', async () => {
    const out = path.join(dir, 'existing-export.csv');
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const forced = await exportTo(out, '--force');
    expect(forced.stdout).toMatch(/users written to/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8').split('\n').length).toBeGreaterThan(200);
  });
});
