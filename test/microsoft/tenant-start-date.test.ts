import { addDays, format } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import { toDbDate } from '../../src/store/values.js';
import { BASIC } from '../lifecycle/helpers.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { OWNER } from '../support/test-db.js';
import { changesAsked, connectedWorld, lastBody, type ConnectedWorld } from './tenant-support.js';
import { revealCredential } from '../../src/core/credentials/reveal-credential.js';

// A start date on a connected organization: the account is made in the tenant blocked and
// unlicensed, and on the day sign-in, licenses and the new password go to the tenant first.
let w: ConnectedWorld;
beforeEach(async () => {
  w = await connectedWorld();
});
afterEach(async () => w.close());

describe('on a connected organization', () => {
  it('a user with a start date is made blocked in the tenant, then allowed, licensed and given a password there on the day', async () => {
    const startDate = format(addDays(new Date(), 3), 'yyyy-MM-dd');
    const added = await addUser(w.db.ctx, OWNER, {
      firstName: 'Dee',
      lastName: 'Start',
      alias: 'dee',
      domain: 'contoso.com',
      password: { mode: 'auto' },
      usageLocation: 'NL',
      licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
      credentialRecipients: ['U0HR'],
      startDate,
    });
    if (!added.ok) throw new Error(added.message);
    const inTenant = () => w.graph.tenant.find('dee@contoso.com')!.user;
    expect(inTenant()).toMatchObject({ accountEnabled: false });
    expect(inTenant().assignedLicenses ?? []).toEqual([]);
    expect(lastBody(w.graph, 'POST /users')).toMatchObject({ accountEnabled: false, passwordProfile: { password: expect.any(String) } });
    await w.db.runtime.start();
    await w.db.runtime.jobs.idle();
    const before = w.graph.calls().length;
    const jobId = added.start?.jobId ?? '';
    await w.db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date()) })
      .where('id', '=', jobId)
      .execute();
    await waitForJob(w.db.db, jobId, 'succeeded').catch(async (error) => {
      const job = await w.db.db.selectFrom('Job').select(['error']).where('id', '=', jobId).executeTakeFirst();
      throw new Error(`${error.message}: ${job?.error}`);
    });
    const id = inTenant().id;
    expect(changesAsked(w.graph, before)).toEqual(expect.arrayContaining([`PATCH /users/${id} 204`, `POST /users/${id}/assignLicense 200`]));
    expect(inTenant()).toMatchObject({ accountEnabled: true });
    expect(inTenant().assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
    // The password the recipient is shown is the one the tenant was given on the day.
    const held = await w.db.db.selectFrom('PendingCredential').select(['id', 'recipient']).execute();
    expect(held.map((h) => h.recipient).sort()).toEqual([OWNER.slackUserId, 'U0HR'].sort());
    const shown = await revealCredential(
      w.db.ctx,
      w.db.runtime.secretKey(),
      { teamId: OWNER.teamId, slackUserId: 'U0HR' },
      held.find((h) => h.recipient === 'U0HR')!.id,
    );
    if (!shown.ok || shown.outcome.kind !== 'revealed') throw new Error('not revealed');
    const patches = w.graph.calls().filter((c) => c.method === 'PATCH' && c.path.endsWith(`/users/${id}`) && 'passwordProfile' in ((c.body ?? {}) as object));
    expect(patches.at(-1)?.body).toMatchObject({
      passwordProfile: { password: shown.outcome.password, forceChangePasswordNextSignIn: true },
    });
  });
});
