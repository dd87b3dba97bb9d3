import { addDays, format } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reclaimOne } from '../../src/core/licenses/reclaim-user.js';
import { scheduleOffboarding } from '../../src/core/schedules/offboarding.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { toDbDate } from '../../src/store/values.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { OWNER } from '../support/test-db.js';
import { changesAsked, connectedWorld, type ConnectedWorld } from './tenant-support.js';

// Reclaiming and offboarding change licenses, sign-in and passwords: on a connected organization
// those changes go to the tenant first, as every other change does (core/directory/change-directory.ts).
let w: ConnectedWorld;
let ana: { id: string; upn: string; externalId: string };

beforeEach(async () => {
  w = await connectedWorld();
  const made = await makeUser(w.db.ctx, 'ana', { domain: 'contoso.com' });
  ana = { ...made, externalId: w.graph.tenant.find(made.upn)!.user.id };
  const licensed = await editUser(w.db.ctx, OWNER, { userId: ana.id }, { usageLocation: 'NL', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  if (!licensed.ok) throw new Error(licensed.message);
});
afterEach(async () => w.close());

const tenantUser = () => w.graph.tenant.users.get(ana.externalId)!;
const localLicenses = () => w.db.db.selectFrom('LicenseAssignment').select('skuId').where('userId', '=', ana.id).execute();

describe('on a connected organization', () => {
  it("reclaiming a blocked user's licenses removes them in the tenant, then in the mirror", async () => {
    expect(await blockUser(w.db.ctx, OWNER, { userId: ana.id })).toMatchObject({ ok: true });
    const before = w.graph.calls().length;
    const reclaimed = await reclaimOne(w.db.ctx, OWNER, ana.id);
    expect(reclaimed.ok, reclaimed.ok ? '' : reclaimed.message).toBe(true);
    expect(changesAsked(w.graph, before)).toEqual([`POST /users/${ana.externalId}/assignLicense 200`]);
    expect(tenantUser().user.assignedLicenses ?? []).toEqual([]);
    expect(await localLicenses()).toEqual([]);
  });

  it('an offboarding on its day blocks sign-in, resets the password and removes the licenses in the tenant', async () => {
    const lastDay = format(addDays(new Date(), 1), 'yyyy-MM-dd');
    const scheduled = await scheduleOffboarding(w.db.ctx, OWNER, { user: { username: ana.upn }, lastDay });
    if (!scheduled.ok) throw new Error(scheduled.message);
    // Roster runs (its first sync of the tenant done), then the day comes.
    await w.db.runtime.start();
    await w.db.runtime.jobs.idle();
    const before = w.graph.calls().length;
    await w.db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date()) })
      .where('id', '=', scheduled.jobId)
      .execute();
    await waitForJob(w.db.db, scheduled.jobId, 'succeeded').catch(async (error) => {
      const job = await w.db.db.selectFrom('Job').select(['error']).where('id', '=', scheduled.jobId).executeTakeFirst();
      throw new Error(`${error.message}: ${job?.error}`);
    });
    const asked = changesAsked(w.graph, before);
    expect(asked).toEqual(expect.arrayContaining([`PATCH /users/${ana.externalId} 204`, `POST /users/${ana.externalId}/assignLicense 200`]));
    expect(tenantUser().user).toMatchObject({ accountEnabled: false });
    expect(tenantUser().user.assignedLicenses ?? []).toEqual([]);
    expect(await localLicenses()).toEqual([]);
  });
});
