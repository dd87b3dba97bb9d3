import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCT_CHANGE_JOB, productChangeJobResult, queueProductChange, runProductChangeJob } from '../../src/core/licenses/product-change-job.js';
import { BULK_ACTION_JOB, bulkActionJobResult, queueBulkAction, runBulkActionJob } from '../../src/core/users/bulk-action-job.js';
import type { CredentialNotice } from '../../src/core/users/add-user.js';
import { EDIT_MANY_JOB, editManyJobResult, queueEditMany, runEditManyJob } from '../../src/core/users/edit-many-job.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { OWNER } from '../support/test-db.js';
import { connectedWorld, type ConnectedWorld } from './tenant-support.js';

let w: ConnectedWorld;
let users: { id: string; upn: string }[];

beforeEach(async () => {
  w = await connectedWorld();
  users = [];
  for (const alias of ['ada', 'bob', 'cy']) users.push(await makeUser(w.db.ctx, alias, { domain: 'contoso.com' }));
});
afterEach(async () => w.close());

const inTenant = (upn: string) => w.graph.tenant.find(upn)!.user;

describe('changes to many users of a connected organization', () => {
  it('a bulk reset sends each user the password its notice reveals, once', async () => {
    const notices: CredentialNotice[] = [];
    w.db.runtime.jobs.register({
      kind: BULK_ACTION_JOB.reset_password,
      run: (job) =>
        runBulkActionJob(w.db.ctx, job, async (_tx, notice) => {
          notices.push(notice);
          return [];
        }),
    });
    const queued = await queueBulkAction(w.db.ctx, OWNER, { action: 'reset_password', users: { ids: users.map((u) => u.id) } }, { queue: 'app' });
    if (!queued.ok) throw new Error(queued.message);
    expect((await w.db.runtime.jobs.runNow(queued.jobId)).status).toBe('succeeded');
    const result = await bulkActionJobResult(w.db.ctx, queued.jobId);
    expect(result.outcomes.map((o) => o.done)).toEqual([true, true, true]);
    const patches = w.graph.calls().filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(3);
    for (const user of users) {
      const sent = patches.find((c) => c.path.endsWith(inTenant(user.upn).id))?.body as { passwordProfile: { password: string } };
      // The notice kept (the last one for the user: the rehearsal's notice is the same password) is what the tenant got.
      expect(notices.filter((n) => n.userPrincipalName === user.upn).every((n) => n.temporaryPassword === sent.passwordProfile.password)).toBe(true);
    }
  });

  it('a product assigned to many: each user licensed in the tenant; a user the tenant refuses is reported in its words, the others kept', async () => {
    w.db.runtime.jobs.register({ kind: PRODUCT_CHANGE_JOB, run: (job) => runProductChangeJob(w.db.ctx, job) });
    // Cy's usage location was removed in the admin center since the last sync: the tenant refuses her license.
    w.graph.tenant.updateUser(users[2]!.upn, { usageLocation: null });
    const queued = await queueProductChange(w.db.ctx, OWNER, { product: E3.partNumber, users: { ids: users.map((u) => u.id) } }, 'assign', { queue: 'app' });
    if (!queued.ok) throw new Error(queued.message);
    expect((await w.db.runtime.jobs.runNow(queued.jobId)).status).toBe('succeeded');
    const result = await productChangeJobResult(w.db.ctx, queued.jobId, E3.skuId);
    expect(result?.done.map((d) => d.userPrincipalName)).toEqual([users[0]!.upn, users[1]!.upn]);
    expect(result?.notDone).toEqual([{ name: users[2]!.upn, problems: [expect.stringContaining('has no usage location')] }]);
    expect(inTenant(users[0]!.upn).assignedLicenses).toEqual([{ skuId: E3.skuId, disabledPlans: [] }]);
    expect(inTenant(users[2]!.upn).assignedLicenses).toEqual([]);
    const local = await w.db.db.selectFrom('LicenseAssignment').select('userId').where('skuId', '=', E3.skuId).execute();
    expect(local.map((l) => l.userId).sort()).toEqual([users[0]!.id, users[1]!.id].sort());
  });

  it('Edit many sets a field and adds a product to each user in the tenant, in JSON batches', async () => {
    const before = w.graph.calls().length;
    w.db.runtime.jobs.register({ kind: EDIT_MANY_JOB, run: (job) => runEditManyJob(w.db.ctx, job) });
    const queued = await queueEditMany(
      w.db.ctx,
      OWNER,
      {
        userIds: users.map((u) => u.id),
        detailsPatch: { department: 'Sales' },
        licenses: { mode: 'add', products: [{ skuId: BASIC.skuId, disabledPlans: [] }] },
      },
      { queue: 'app' },
    );
    if (!queued.ok) throw new Error(queued.message);
    expect((await w.db.runtime.jobs.runNow(queued.jobId)).status).toBe('succeeded');
    expect((await editManyJobResult(w.db.ctx, queued.jobId)).counts).toMatchObject({ done: 3 });
    for (const user of users) expect(inTenant(user.upn)).toMatchObject({ department: 'Sales', assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    const changes = w.graph
      .calls()
      .slice(before)
      .filter((c) => c.method !== 'GET' && !c.path.includes('oauth2'));
    // One batch: each user's PATCH, then their license (dependsOn); nothing sent outside it.
    expect(changes.filter((c) => !c.inner).map((c) => c.path)).toEqual(['/v1.0/$batch']);
    expect(changes.filter((c) => c.inner)).toHaveLength(6);
  });
});
