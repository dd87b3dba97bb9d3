import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand, findCommand, listCommand } from '../../src/cli/views-command.js';
import type { OperatorActor } from '../../src/core/context.js';
import { generateDirectory, type GeneratedUser } from '../support/generate-directory.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let users: GeneratedUser[];
const dir = mkdtempSync(path.join(tmpdir(), 'roster-views-cli-'));
const operator: OperatorActor = { teamId: TEAM, operator: 'ops', roles: ['helpdesk_admin'] };

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
    const lines: string[] = [];
    expect(await listCommand(db.ctx, operator, 'sign-in blocked', (l) => lines.push(l))).toBe(0);
    expect(lines).toHaveLength(users.filter((u) => !u.deleted && !u.accountEnabled).length);
    const names = lines.map((l) => l.split('\t')[0]!);
    expect(names).toEqual([...names].sort());
    expect(await listCommand(db.ctx, operator, 'nope', (l) => lines.push(l))).toBe(1);
  });

  it('finds, and exports a view to a private file it will not overwrite', async () => {
    const found: string[] = [];
    expect(await findCommand(db.ctx, operator, users[0]!.userPrincipalName, (l) => found.push(l))).toBe(0);
    expect(found[0]).toContain(users[0]!.userPrincipalName);
    const out = path.join(dir, 'licensed.csv');
    const said: string[] = [];
    expect(await exportCommand(db.ctx, operator, 'licensed users', out, false, (l) => said.push(l))).toBe(0);
    const licensed = users.filter((u) => !u.deleted && u.skuIds.length > 0).length;
    expect(said[0]).toBe(`Licensed users: ${licensed} users written to ${out}`);
    expect(readFileSync(out, 'utf8').startsWith('\uFEFFDisplay name,User principal name')).toBe(true);
    expect(statSync(out).mode & 0o077).toBe(0);
    expect(await exportCommand(db.ctx, operator, 'licensed users', out, false, (l) => said.push(l))).toBe(1);
    expect(said.at(-1)).toMatch(/already exists/);
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
    expect(refused.stdout).toMatch(/already exists; choose another --out, or add --force/);
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
