import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveRequest } from '../../src/core/approvals/approve-request.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../core/user-admin-fixture.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 2 });
  for (const alias of ['ana', 'bob', 'cy']) await makeUser(db.ctx, alias, { usageLocation: 'NL' });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const activeUsers = async (alias: string) =>
  (await db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', alias).where('deletedAt', 'is', null).execute()).length;

describe('roster policy, roster approvals', () => {
  it('sets the policy (Global admins), holds a command-line delete as a request, and refuses its own approval', async () => {
    const refused = await roster('policy', 'set', '--deletes', 'on', '--role', 'user_admin');
    expect([refused.code, refused.stderr]).toEqual([3, expect.stringContaining('you need one of these roles: Global admin')]);
    expect((await roster('policy', 'set', '--deletes', 'maybe')).code).toBe(2);
    const dry = await roster('policy', 'set', '--deletes', 'on', '--dry-run');
    expect(dry.stdout).toContain('(dry run, nothing written)');
    expect((await roster('policy')).stdout).toContain("No change needs a second admin's approval.");
    const set = await roster('policy', 'set', '--deletes', 'on', '--seats-above', '10', '--valid-hours', '48');
    expect(set.stdout).toContain("Need a second admin's approval: deleting users; buying more than 10 seats at once. A request stays valid 48 hours.");

    const held = await roster('users', 'delete', 'ana');
    expect(held.code).toBe(4);
    const id = /pending approval: request ([0-9a-f]+)\./.exec(held.stderr)?.[1];
    expect(id).toBeTruthy();
    expect(held.stderr).toContain('roster approvals');
    expect(await activeUsers('ana')).toBe(1);
    const own = await roster('approvals', 'approve', id!);
    expect([own.code, own.stderr]).toEqual([3, expect.stringContaining('another admin must approve')]);
    const listed = JSON.parse((await roster('approvals', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(listed).toEqual([
      expect.objectContaining({ id, change: 'Delete users', youMay: 'cancel', details: expect.stringContaining('Delete ana@contoso.onmicrosoft.com') }),
    ]);
    // Approved by a Slack Global admin: the change runs as the command line's operator.
    const approved = await approveRequest(db.ctx, OWNER, id!);
    if (!approved.ok) throw new Error(approved.message);
    await db.runtime.jobs.runNow(approved.runJobId);
    expect(await activeUsers('ana')).toBe(0);
    const all = JSON.parse((await roster('approvals', '--all', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(all).toEqual([expect.objectContaining({ id, status: expect.stringContaining('Approved by <@U0OWNER>: done') })]);
  });

  it('approves and denies a Slack member’s requests from the command line, the change made at once', async () => {
    const held = await deleteUsers(db.ctx, OWNER, { usernames: ['bob@contoso.onmicrosoft.com'] });
    const id = held.ok ? '' : held.requestId!;
    expect((await roster('approvals', 'approve', id, '--dry-run')).stdout).toContain('(dry run, nothing written) You may approve request');
    expect(await activeUsers('bob')).toBe(1);
    const approved = await roster('approvals', 'approve', id);
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringMatching(/Approved by cli:\S+: done\. Deleted bob@contoso\.onmicrosoft\.com/)]);
    expect(await activeUsers('bob')).toBe(0);
    const again = await roster('approvals', 'approve', id);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('is not pending any more')]);

    const other = await deleteUsers(db.ctx, OWNER, { usernames: ['cy@contoso.onmicrosoft.com'] });
    const otherId = other.ok ? '' : other.requestId!;
    const denied = await roster('approvals', 'deny', otherId, '--reason', 'keep cy');
    expect(denied.stdout).toContain(`Denied request ${otherId}`);
    expect(await activeUsers('cy')).toBe(1);
    const big = await roster('licenses', 'buy', 'business basic', '50');
    expect([big.code, big.stderr]).toEqual([4, expect.stringContaining('pending approval: request')]);
  });

  it('refuses a command-line import above the threshold: its file cannot wait for an approval', async () => {
    await roster('policy', 'set', '--bulk-above', '1');
    const file = path.join(path.dirname(db.url.slice('file:'.length)), 'two.csv');
    writeFileSync(
      file,
      [
        'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region',
        'jan@contoso.onmicrosoft.com,Jan,,Jan,,,,,,,,,,,,',
        'piet@contoso.onmicrosoft.com,Piet,,Piet,,,,,,,,,,,,',
      ].join('\r\n'),
    );
    const refused = await roster('import', file);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('a command-line import cannot wait for one')]);
    expect(await activeUsers('jan')).toBe(0);
  });
});
