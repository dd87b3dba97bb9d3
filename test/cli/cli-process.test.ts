/**
 * The real command line (`npm run roster`: the build, in its own process). The other CLI tests run
 * its work in-process (runCli); these check what only a process shows: the entry point, the exit
 * codes the shell sees, the streams, and a database the process opens and migrates itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnRosterCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'roster-cli-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const roster = spawnRosterCli(`file:${path.join(dir, 'data', 'roster.db')}`);

describe('roster (package.json bin: the build, in its own process)', () => {
  it('exits 2 with the usage on standard error for an unknown command, 0 when done, 1 when refused', async () => {
    const unknown = await roster('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command roster frobnicate\nSee `roster --help`/);
    expect(unknown.stdout).toBe('');

    const setup = await roster('setup', '--workspace', 'T0PROC', '--name', 'Fabrikam');
    expect(setup.code).toBe(0);
    expect(setup.stdout).toMatch(/Set up Fabrikam \(fabrikam.onmicrosoft.com\) for workspace T0PROC/);

    const again = await roster('setup', '--workspace', 'T0PROC', '--name', 'Fabrikam');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already set up as Fabrikam/);

    const check = await roster('check');
    expect(check.code).toBe(0);

    const forbidden = await roster('licenses', 'buy', 'business basic', '1', '--role', 'license_admin');
    expect(forbidden.code).toBe(3);
    const json = await roster('licenses', '--output', 'json');
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('refuses an import limit that is not a number, read from its environment', async () => {
    const refused = await spawnRosterCli(`file:${path.join(dir, 'data', 'roster.db')}`, { ROSTER_IMPORT_MAX_ROWS: 'many' })('check');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: .*ROSTER_IMPORT_MAX_ROWS/s);
  });
});
