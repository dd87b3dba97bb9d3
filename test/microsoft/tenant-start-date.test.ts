import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays, format } from 'date-fns';
import { runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { START_JOB, startPayloadSchema } from '../../src/core/schedules/onboarding.js';
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
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region,Start date';
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

describe('an import with a Start date column on a connected organization', () => {
  it('makes the later starters blocked and unlicensed in the tenant, and keeps their start with them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-tenant-start-'));
    try {
      const startDate = format(addDays(new Date(), 3), 'yyyy-MM-dd');
      const file = path.join(dir, 'hires.csv');
      writeFileSync(
        file,
        `${[HEADER, 'now@contoso.com,Now,One,Now One,,,,,,,,,,,,,', `later@contoso.com,Later,One,Later One,,,,,,,,,,,,,${startDate}`].join('\r\n')}\r\n`,
      );
      const verified = await verifyImport(w.db.ctx, OWNER, { path: file, fileName: 'hires.csv', fileId: 'F-start' });
      if (!verified.ok) throw new Error(verified.message);
      const jobId = verified.preview.jobId!;
      const chosen: ImportSettings = {
        signInAllowed: true,
        usageLocation: 'NL',
        licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
        whenSeatsRunOut: 'create_unlicensed',
        recipients: ['U0HR'],
      };
      const started = await startImport(w.db.ctx, OWNER, jobId, chosen);
      if (!started.ok) throw new Error(started.message);
      expect(await runImport(w.db.ctx, jobId, file)).toMatchObject({ status: 'completed', created: 2 });
      expect(w.graph.tenant.find('later@contoso.com')?.user).toMatchObject({ accountEnabled: false });
      expect(w.graph.tenant.find('later@contoso.com')?.user.assignedLicenses ?? []).toEqual([]);
      expect(w.graph.tenant.find('now@contoso.com')?.user.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
      const later = await w.db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', 'later@contoso.com').executeTakeFirstOrThrow();
      const jobs = await w.db.db.selectFrom('Job').select(['payload', 'status']).where('kind', '=', START_JOB).execute();
      expect(jobs.map((j) => [startPayloadSchema.parse(JSON.parse(String(j.payload))).userId, j.status])).toEqual([[later.id, 'queued']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
