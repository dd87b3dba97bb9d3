import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { deleteOrganization } from '../../src/core/tenant/delete-organization.js';
import {
  InstallationUnreadable,
  installedWorkspace,
  listInstallations,
  recordInstallation,
  removeInstallation,
  WORKSPACE_REMOVED,
} from '../../src/core/workspaces/slack-installations.js';
import { findJob } from '../../src/store/jobs.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

const key = randomBytes(32);
const install = (teamId: string, botToken: string) => ({
  teamId,
  teamName: `Team ${teamId}`,
  appId: 'A0ROSTERAPP',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  botScopes: ['commands', 'chat:write'],
  botToken,
  installedBy: 'U0OWNER',
});

describeOnEachDatabase('Slack installations and deleting an organization', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(undefined, { kind });
  });
  afterAll(async () => db.destroy());

  it('keeps a bot token sealed, bound to its workspace, opened only with the key; a reinstall replaces it', async () => {
    await recordInstallation(db.ctx, key, install('T0ONE', 'xoxb-one-first'));
    await recordInstallation(db.ctx, key, install('T0ONE', 'xoxb-one-second'));
    await recordInstallation(db.ctx, key, install('T0TWO', 'xoxb-two'));
    expect(await installedWorkspace(db.ctx, key, 'T0ONE')).toMatchObject({ botToken: 'xoxb-one-second', botScopes: ['commands', 'chat:write'] });
    expect(await installedWorkspace(db.ctx, key, 'T0NONE')).toBeNull();
    await expect(installedWorkspace(db.ctx, randomBytes(32), 'T0ONE')).rejects.toThrow(InstallationUnreadable);
    // Sealed bytes moved onto another workspace's row do not open there.
    const one = await db.db.selectFrom('SlackInstallation').selectAll().where('teamId', '=', 'T0ONE').executeTakeFirstOrThrow();
    await db.db
      .updateTable('SlackInstallation')
      .set({ botTokenCiphertext: one.botTokenCiphertext, botTokenIv: one.botTokenIv, botTokenTag: one.botTokenTag })
      .where('teamId', '=', 'T0TWO')
      .execute();
    await expect(installedWorkspace(db.ctx, key, 'T0TWO')).rejects.toThrow(InstallationUnreadable);
    expect((await listInstallations(db.ctx)).map((i) => [i.teamId, i.organization])).toEqual([
      ['T0ONE', null],
      ['T0TWO', null],
    ]);
  });

  it("removing ends the organization's queued Slack jobs only, keeps the rest; deleting the organization then takes every row of it", async () => {
    const { tenantId } = await seedTenant(db.ctx);
    await recordInstallation(db.ctx, key, install(TEAM, 'xoxb-contoso'));
    const later = new Date(Date.now() + 3_600_000);
    const slackJob = await enqueue(db.ctx, { tenantId, kind: 'notice', payload: {}, requestedBy: 'roster:notice', runAt: later });
    const otherJob = await enqueue(db.ctx, { tenantId, kind: 'directory.sync', payload: {}, requestedBy: 'roster:sync', runAt: later });
    expect(await removeInstallation(db.ctx, TEAM, 'app_uninstalled', ['notice'])).toEqual({ removed: true, jobsEnded: 1 });
    expect(await removeInstallation(db.ctx, TEAM, 'app_uninstalled', ['notice'])).toEqual({ removed: false, jobsEnded: 0 });
    expect(await findJob(db.db, slackJob.id)).toMatchObject({ status: 'failed', error: WORKSPACE_REMOVED });
    expect(await findJob(db.db, otherJob.id)).toMatchObject({ status: 'queued' });
    expect(await installedWorkspace(db.ctx, key, TEAM)).toBeNull();

    const operator = { teamId: TEAM, operator: 'ops', roles: ['global_admin' as const] };
    const deleted = await deleteOrganization(db.ctx, operator, { confirm: 'Contoso' });
    expect(deleted).toEqual({ ok: true, organizationName: 'Contoso' });
    for (const table of ['DirectoryUser', 'AuditRecord', 'Job', 'Domain'] as const) {
      expect(await db.db.selectFrom(table).select('tenantId').where('tenantId', '=', tenantId).execute(), table).toEqual([]);
    }
    expect(await db.db.selectFrom('Tenant').select('id').where('id', '=', tenantId).execute()).toEqual([]);
  });
});
