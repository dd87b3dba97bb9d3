import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
const dir = mkdtempSync(path.join(tmpdir(), 'roster-template-'));
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('the sample CSV', () => {
  it('roster import --template writes the 15-column template and the optional Start date column with one example row, which an import then reads as ready', async () => {
    const roster = rosterCli(db);
    const shown = await roster('import', '--template');
    expect(shown.code).toBe(0);
    const [header, example] = shown.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header?.split(',')).toHaveLength(16);
    expect(header).toMatch(/,Country or Region,Start date$/);
    expect(header).toMatch(/^User Name,First Name,Last Name,Display Name,/);
    expect(example).toMatch(/^chris\.green@contoso\.onmicrosoft\.com,Chris,Green,Chris Green,/);
    const file = path.join(dir, 'new-hires.csv');
    expect((await roster('import', '--template', '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(shown.stdout);
    expect((await roster('import', '--template', '--out', file)).code).toBe(2);
    const verified = await roster('import', file, '--dry-run');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/rows read +1\n +ready +1\n +with problems +0/);
  });
});
