import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 2 });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const starts = () => db.db.selectFrom('Job').select(['id', 'status', 'runAt']).where('kind', '=', 'users.start').execute();

describe('roster users add --start-date, roster users scheduled --change', () => {
  it('adds a user who starts later (blocked, no password printed), lists, moves and cancels the start', async () => {
    const add = ['users', 'add', 'dee', '--display-name', 'Dee', '--usage-location', 'NL', '--license', 'business basic', '--start-date', '2027-07-01'];
    const nobody = await roster(...add);
    expect([nobody.code, nobody.stderr]).toEqual([1, expect.stringContaining('--send-credentials-to')]);
    const past = await roster(...add.slice(0, -1), '2020-01-01', '--send-credentials-to', 'U0HR');
    expect([past.code, past.stderr]).toEqual([1, expect.stringMatching(/--start-date.*cannot be in the past/)]);
    const dry = await roster(...add, '--send-credentials-to', 'U0HR', '--dry-run');
    expect(dry.stdout).toMatch(/sign-in +blocked until the start date, 2027-07-01/);
    expect(await starts()).toEqual([]);
    const done = await roster(...add, '--send-credentials-to', 'U0HR');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('starting on 2027-07-01');
    expect(done.stdout).not.toMatch(/password \(shown once/i);
    const [job] = await starts();
    const user = await db.db.selectFrom('DirectoryUser').select(['accountEnabled']).where('aliasKey', '=', 'dee').executeTakeFirstOrThrow();
    expect(Boolean(user.accountEnabled)).toBe(false);
    expect((await roster('users', 'show', 'dee')).stdout).toMatch(/sign-in +blocked until the start date, 2027-07-01/);
    const listed = JSON.parse((await roster('users', 'scheduled', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(listed).toEqual([expect.objectContaining({ id: job?.id, change: 'start', user: 'dee@contoso.onmicrosoft.com', lastDay: '2027-07-01' })]);
    const moved = await roster('users', 'scheduled', '--change', job!.id, '--start-date', '2027-07-15');
    expect(moved.stdout).toContain('dee@contoso.onmicrosoft.com starts on 2027-07-15');
    const open = (await starts()).filter((j) => j.status === 'queued');
    expect(open).toHaveLength(1);
    const cancelled = await roster('users', 'scheduled', '--cancel', open[0]!.id);
    expect(cancelled.stdout).toContain('Cancelled the start of dee@contoso.onmicrosoft.com (start date 2027-07-15); the account stays blocked');
  });
});
