import { GraphError } from '../../graph/graph-error.js';
import { USER_SELECT, type GraphUser } from '../../graph/graph-types.js';
import type { MirrorCounts } from '../../domain/mirror.js';
import type { Logger } from '../../log.js';
import type { Db } from '../../store/database.js';
import { claimSync, connectionOf, holdsSync, noteSyncError, recordSignInRead, recordSyncEnd, saveUsersDeltaLink } from '../../store/directory-connections.js';
import { setDirectoryKind, tenantById } from '../../store/organizations.js';
import { reportChange, type CoreContext } from '../context.js';
import { PermanentJobFailure, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import { SCHEDULE_ACTOR } from '../jobs/scheduler.js';
import { queueNotice } from '../notices/queue-notice.js';
import { openClientSecret } from './connection-secret.js';
import { graphProblem } from './graph-problems.js';
import { mirrorChange } from './mirror-user.js';
import { SYNC_JOB, syncJobPayload } from './sync-request.js';
import { readTenantFacts } from './tenant-facts.js';
import { readEntraRoles } from './entra-roles.js';
import { CREATE_MISSING_JOB } from './create-missing-job.js';
import { openJobsOfTenant } from '../../store/jobs.js';
import { lastSignInOf, readSignInPage, signInPassDue, signInRefusal, SIGN_IN_QUERY } from './sign-in-activity.js';

/** Users written per transaction (a Graph page is split into steps of this size). */
export const SYNC_STEP_USERS = 250;
/** Users a full sync deletes per transaction once it has read every user. */
const REMOVE_STEP_USERS = 500;

const FIRST_QUERY = `/users/delta?$select=${[...USER_SELECT, 'manager'].join(',')}`;

/** How far a sync got: what a resumed run goes on from. */
interface SyncProgress {
  /** The page being written (a link Graph gave, or the first query). */
  link: string | null;
  /** Users of that page written already. */
  done: number;
  /** A full read started then: users not read since are deleted at its end. */
  fullSince: string | null;
  /** The link of the next round, once the last page is written. */
  deltaLink: string | null;
  phase: 'users' | 'removing' | 'signins' | 'facts';
  counts: MirrorCounts & { users: number };
  /** The sign-in activity page being read (null: the pass has not started, or is not due). */
  signInLink?: string | null;
  /** When the pass started: the moment its users' activity counts as read. */
  signInAt?: string | null;
}

function progressOf(job: RunningJob): Partial<SyncProgress> {
  return job.progress as Partial<SyncProgress>;
}

/** Graph's problems that no retry fixes (the admin must act): the job fails at once and says what to do. */
const FOR_GOOD = new Set(['wrong_secret', 'expired_secret', 'unknown_tenant', 'unknown_client', 'missing_permission']);

/**
 * A sync of a connected organization (docs/domain.md "Connected organizations"): its users read
 * with a delta query (the first time, or when the tenant asks for it, every user: the users not read
 * then are deleted in Roster), written a few hundred per transaction with the page link saved in the
 * same step (a restart goes on from there; only one page is in memory at a time), then its products
 * (seats) and domains; every few hours, users' sign-in activity in a pass of its own
 * (sign-in-activity.ts: delta queries do not carry it), a page a step. The delta link is kept per
 * organization for the next sync. One sync per organization at a time (`claimSync`); a sync that finds the organization disconnected stops.
 */
export function directorySyncHandler(core: CoreContext, deps: { secretKey: () => Buffer; logger: Logger }): JobHandler {
  return {
    kind: SYNC_JOB,
    async run(job) {
      const tenantId = job.record.tenantId;
      if (!tenantId) throw new PermanentJobFailure('A sync names no organization.');
      // Users of Roster's directory are being made in the tenant (connect → Create them in the tenant):
      // a full read now would delete them in Roster. The creation queues the first sync once they are made.
      const creating = await openJobsOfTenant(core.db, tenantId, [CREATE_MISSING_JOB]);
      if (creating.some((open) => typeof open.progress.syncJobId !== 'string'))
        return { done: { skipped: "users of Roster's directory are being created in the tenant; the first sync follows" } };
      const claimed = await job.step((tx) => claimSync(tx, tenantId, job.record.id, core.now()));
      if (!claimed.ok || !claimed.value) return { done: { skipped: 'another sync of this organization is at work, or it is not connected' } };
      const connection = await connectionOf(core.db, tenantId);
      if (!connection) throw new PermanentJobFailure('The organization is no longer connected.');
      const secret = openClientSecret(deps.secretKey(), tenantId, connection.clientId, connection.sealedSecret);
      if (secret === null)
        throw new PermanentJobFailure(
          'Roster cannot open the client secret with its current key (was ROSTER_SECRET_KEY or the key file beside the database changed?): a Global admin disconnects and connects again with the secret.',
        );
      const client = core.graph.client(tenantId, { tenant: connection.microsoftTenant, clientId: connection.clientId, clientSecret: secret });
      const saved = progressOf(job);
      const progress: SyncProgress = {
        link: saved.link ?? connection.usersDeltaLink ?? FIRST_QUERY,
        done: saved.done ?? 0,
        fullSince: saved.fullSince !== undefined ? saved.fullSince : connection.usersDeltaLink ? null : core.now().toISOString(),
        deltaLink: saved.deltaLink ?? null,
        phase: saved.phase ?? 'users',
        counts: saved.counts ?? { added: 0, changed: 0, removed: 0, users: 0 },
        signInLink: saved.signInLink ?? null,
        signInAt: saved.signInAt ?? null,
      };
      const held = async (tx: Db) => {
        if (!(await holdsSync(tx, tenantId, job.record.id))) throw new PermanentJobFailure('The organization was disconnected while it synced.');
      };
      try {
        while (progress.phase === 'users') {
          const stop = job.stopRequested();
          if (stop) return { stopped: stop };
          let page;
          try {
            page = await client.page<GraphUser>(progress.link!);
          } catch (error) {
            if (!(error instanceof GraphError) || error.kind !== 'resync_required' || progress.link === FIRST_QUERY) throw error;
            // The tenant no longer knows the delta token: every user is read again.
            deps.logger.info('the tenant asked for a full sync', { tenant: tenantId });
            Object.assign(progress, { link: FIRST_QUERY, done: 0, fullSince: core.now().toISOString() });
            continue;
          }
          const changes = page.value.map(mirrorChange);
          for (let start = progress.done; start < changes.length || (start === 0 && changes.length === 0); start += SYNC_STEP_USERS) {
            const chunk = changes.slice(start, start + SYNC_STEP_USERS);
            const last = start + SYNC_STEP_USERS >= changes.length;
            const step = await job.step(
              async (tx) => {
                await held(tx);
                const counts = await core.mirror.applyUsers(tx, tenantId, chunk, core.now());
                if (last && page.deltaLink && !progress.fullSince) await saveUsersDeltaLink(tx, tenantId, job.record.id, page.deltaLink);
                return counts;
              },
              (counts) => {
                progress.counts = {
                  added: progress.counts.added + counts.added,
                  changed: progress.counts.changed + counts.changed,
                  removed: progress.counts.removed + counts.removed,
                  users: progress.counts.users + chunk.length,
                };
                if (!last) progress.done = start + SYNC_STEP_USERS;
                else if (page.nextLink) Object.assign(progress, { link: page.nextLink, done: 0 });
                else Object.assign(progress, { link: null, done: 0, deltaLink: page.deltaLink, phase: progress.fullSince ? 'removing' : 'signins' });
                return { ...progress };
              },
            );
            if (!step.ok) throw new PermanentJobFailure(step.message);
            if (changes.length === 0) break;
          }
        }
        while (progress.phase === 'removing') {
          const step = await job.step(
            async (tx) => {
              await held(tx);
              const removed = await core.mirror.removeUsersNotReadSince(tx, tenantId, new Date(progress.fullSince!), REMOVE_STEP_USERS, core.now());
              if (removed < REMOVE_STEP_USERS) await saveUsersDeltaLink(tx, tenantId, job.record.id, progress.deltaLink);
              return removed;
            },
            (removed) => {
              progress.counts.removed += removed;
              if (removed < REMOVE_STEP_USERS) Object.assign(progress, { phase: 'signins', fullSince: null });
              return { ...progress };
            },
          );
          if (!step.ok) throw new PermanentJobFailure(step.message);
        }
        let signInRestarted = false;
        while (progress.phase === 'signins') {
          if (!progress.signInLink) {
            if (!signInPassDue(connection, core.now(), job.record.requestedBy !== SCHEDULE_ACTOR)) {
              progress.phase = 'facts';
              break;
            }
            Object.assign(progress, { signInLink: SIGN_IN_QUERY, signInAt: core.now().toISOString() });
          }
          const stop = job.stopRequested();
          if (stop) return { stopped: stop };
          const readAt = new Date(progress.signInAt ?? core.now().toISOString());
          const link = progress.signInLink!;
          const read = await readSignInPage(client, link).then(
            (page) => ({ page }),
            (error: unknown) => {
              // No AuditLog.Read.All, or no Entra ID P1: the sync goes on without it, and says why.
              const why = signInRefusal(error);
              if (why !== null) return { why };
              // A page link kept across a restart that Graph no longer takes (its token expired): the pass starts again.
              // Once a run: a link refused again after that is an error like any other.
              const expired = error instanceof GraphError && (error.kind === 'refused' || error.kind === 'resync_required');
              if (link !== SIGN_IN_QUERY && expired && !signInRestarted) return { restart: true };
              throw error;
            },
          );
          if ('restart' in read) {
            signInRestarted = true;
            deps.logger.info('the sign-in activity page link expired; reading it from the start', { tenant: tenantId });
            Object.assign(progress, { signInLink: SIGN_IN_QUERY, signInAt: core.now().toISOString() });
            continue;
          }
          const step = await job.step(
            async (tx) => {
              await held(tx);
              if ('why' in read) return recordSignInRead(tx, tenantId, job.record.id, core.now(), read.why);
              await core.mirror.setSignIns(tx, tenantId, read.page.value.map(lastSignInOf), readAt);
              if (!read.page.nextLink) await recordSignInRead(tx, tenantId, job.record.id, readAt, null);
              return true;
            },
            () => {
              if ('page' in read && read.page.nextLink) progress.signInLink = read.page.nextLink;
              else Object.assign(progress, { phase: 'facts', signInLink: null, signInAt: null });
              return { ...progress };
            },
          );
          if (!step.ok) throw new PermanentJobFailure(step.message);
          if ('why' in read) deps.logger.info('sign-in activity not read', { tenant: tenantId, why: read.why });
        }
        const facts = await readTenantFacts(client);
        // Roster's admin roles are the tenant's Entra roles (when the app may read them: RoleManagement.Read.Directory).
        const read = await readEntraRoles(client);
        const wrote = await job.step(async (tx) => {
          await held(tx);
          const now = core.now();
          await core.mirror.setProducts(tx, tenantId, facts.products, now);
          await core.mirror.setDomains(tx, tenantId, facts.domains, now);
          if (read.roles) await core.mirror.setRoles(tx, tenantId, read.roles, now);
          // The organization is named as the tenant is (renamed in the admin center, renamed here).
          await setDirectoryKind(tx, tenantId, 'microsoft365', facts.displayName);
          await recordSyncEnd(tx, tenantId, job.record.id, {
            at: now,
            error: null,
            counts: { ...progress.counts, products: facts.products.length, domains: facts.domains.length },
            // Whether the roles were read: `/users connect` and `roster connect --status` say so.
            roles: read.roles ? { read: true } : { read: false, missing: read.missing },
          });
        });
        if (!wrote.ok) throw new PermanentJobFailure(wrote.message);
        const summary = { ...progress.counts, products: facts.products.length, domains: facts.domains.length };
        deps.logger.info('synced a connected organization', { tenant: tenantId, ...summary });
        const tenant = await tenantById(core.db, tenantId);
        if (tenant) {
          reportChange(core, tenant, 'users');
          reportChange(core, tenant, 'licenses');
        }
        const { notify } = syncJobPayload(job.record);
        if (notify)
          await queueNotice(core, {
            tenantId,
            member: notify,
            text: `Synced ${connection.displayName}: ${summary.users.toLocaleString('en')} users read (${summary.added} added, ${summary.changed} changed, ${summary.removed} removed), ${summary.products} products, ${summary.domains} domains.`,
          });
        return { done: summary };
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        const problem = graphProblem(error, connection.displayName);
        await noteSyncError(core.db, tenantId, problem.message);
        throw FOR_GOOD.has(error.kind) ? new PermanentJobFailure(problem.message) : new Error(problem.message);
      }
    },
    async ended(job, how) {
      if (!job.tenantId) return;
      const error = 'failed' in how ? how.failed : 'The sync was cancelled.';
      await recordSyncEnd(core.db, job.tenantId, job.id, { at: core.now(), error });
      const payload = syncJobPayload(job);
      const connection = await connectionOf(core.db, job.tenantId);
      if (payload.notify && connection)
        await queueNotice(core, { tenantId: job.tenantId, member: payload.notify, text: `The sync of ${connection.displayName} did not finish: ${error}` });
    },
  };
}
