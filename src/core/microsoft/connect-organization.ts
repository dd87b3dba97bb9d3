import { differenceInMinutes } from 'date-fns';
import type { JobQueue } from '../../domain/jobs.js';
import { writeAudit } from '../../store/audit.js';
import { connectionOf, markConnected, savePendingConnection } from '../../store/directory-connections.js';
import { openJobsOfTenant } from '../../store/jobs.js';
import { setDirectoryKind } from '../../store/organizations.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { isOperator, reportChange, type Actor, type CoreContext } from '../context.js';
import { fail, ok, type CoreError, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import { EDIT_MANY_JOB } from '../users/edit-many-job.js';
import { IMPORT_JOB } from '../bulk/import-job.js';
import { PRODUCT_CHANGE_JOB } from '../licenses/product-change-job.js';
import { checkConnectInput, type ConnectInput } from './connect-input.js';
import { sealClientSecret } from './connection-secret.js';
import { graphProblem } from './graph-problems.js';
import { matchUsers, type UserMatch } from './match-users.js';
import { readEntraRoles } from './entra-roles.js';
import type { Role } from '../roles.js';
import { queueSync } from './sync-request.js';
import { CREATE_MISSING_JOB, queueCreateMissing } from './create-missing-job.js';
import { readOrganization, readTenantFacts, type TenantFacts } from './tenant-facts.js';

/** How long a check waits for the admin's confirmation before they must check again. */
export const CHECK_VALID_MINUTES = 60;

/** What connecting will do, shown before anything changes (docs/domain.md "Connected organizations"). */
export interface ConnectPlan {
  organizationName: string;
  tenantName: string;
  microsoftTenantId: string;
  domains: string[];
  products: number;
  users: Omit<UserMatch, 'membersLeftOut' | 'memberObjects'>;
  /** When it was checked: the confirmation names it (a newer check replaces this one). */
  checkedAt: Date;
}

/** Work that changes the directory and must not run while connecting (it would write to Roster's own directory). */
const DIRECTORY_JOBS = [IMPORT_JOB, EDIT_MANY_JOB, PRODUCT_CHANGE_JOB, CREATE_MISSING_JOB];

/** Whether the actor may connect this organization (Global admins), and whether it is connected already. */
export async function mayConnect(ctx: CoreContext, actor: Actor): Promise<Result<{ auth: Authorized }>> {
  const auth = await authorize(ctx, actor, 'manage_directory');
  if (!auth.ok) return auth;
  const connection = await connectionOf(ctx.db, auth.tenant.id);
  if (connection?.status === 'connected')
    return fail('conflict', `${auth.tenant.name} is connected to ${connection.displayName} already. To connect another tenant, disconnect this one first.`);
  return ok({ auth });
}

async function busyRefusal(ctx: CoreContext, tenantId: string): Promise<CoreError | null> {
  const open = await openJobsOfTenant(ctx.db, tenantId, DIRECTORY_JOBS);
  if (open.length === 0) return null;
  return fail(
    'conflict',
    `${open.length} ${open.length === 1 ? 'job changes' : 'jobs change'} Roster's directory right now (an import, Edit users or a license change): let ${open.length === 1 ? 'it' : 'them'} finish, or cancel ${open.length === 1 ? 'it' : 'them'} (\`/users jobs\`), then connect.`,
  );
}

/**
 * Checks a tenant before connecting (Global admins): signs in with the app's client credentials,
 * reads the organization, its products and domains, and looks every user of Roster's own
 * directory up in the tenant by username. Refused, with what to do, when the credentials fail, a
 * permission is missing, or connecting would leave Roster without a Global admin (or take the
 * admin's own roles away). Kept (the secret sealed) until the admin confirms with `confirmConnection`.
 */
export async function checkConnection(
  ctx: CoreContext,
  actor: Actor,
  key: Buffer,
  input: ConnectInput,
  options: { dryRun?: boolean; missingChosen?: boolean } = {},
): Promise<Result<{ plan: ConnectPlan; saved: boolean }>> {
  const allowed = await mayConnect(ctx, actor);
  if (!allowed.ok) return allowed;
  const { auth } = allowed;
  const checked = checkConnectInput(input);
  if (!checked.ok) return checked;
  const busy = await busyRefusal(ctx, auth.tenant.id);
  if (busy) return busy;
  const client = ctx.graph.probe({ tenant: checked.tenant, clientId: checked.clientId, clientSecret: checked.clientSecret });
  let organization: { id: string; displayName: string } | undefined;
  let facts: TenantFacts;
  let match: UserMatch;
  let roles: Map<string, Role[]> | null;
  try {
    await client.signIn();
    organization = await readOrganization(client);
    facts = await readTenantFacts(client, organization);
    match = await matchUsers(ctx, auth.tenant.id, client);
    roles = (await readEntraRoles(client)).roles;
  } catch (error) {
    return graphProblem(error, organization?.displayName);
  }
  if (!isOperator(actor) && match.membersLeftOut.has(actor.slackUserId))
    return fail(
      'conflict',
      `Your own user in Roster is not in ${facts.displayName} (no user there has its username), so connecting would take your Global admin role away in Roster. Give your Roster user your username in the tenant first (add its domain with \`/users domains add\`, then \`/users edit\` → Username), and connect again.`,
    );
  // Admin roles follow the tenant's Entra roles once connected (when the app may read them).
  const ownObject = isOperator(actor) ? undefined : match.memberObjects.get(actor.slackUserId);
  if (roles && ownObject && !(roles.get(ownObject) ?? []).includes('global_admin'))
    return fail(
      'conflict',
      `Your user is not a Global Administrator in ${facts.displayName}, and once connected Roster's admin roles are the tenant's (Microsoft Entra roles, read at each sync): connecting would take your Global admin role away in Roster. Have the role assigned to your user in the Microsoft Entra admin center (Roles & admins), or let one of the tenant's Global Administrators connect.`,
    );
  if (match.globalAdminsKept === 0)
    return fail(
      'conflict',
      `None of ${auth.tenant.name}'s Global admins who can sign in is in ${facts.displayName} (matched by username), so after connecting nobody could give roles in Roster. Give one of them their username in the tenant first (\`/users edit\` → Username), and connect again.`,
    );
  const now = ctx.now();
  const { membersLeftOut: _members, memberObjects: _objects, ...users } = match;
  const plan: ConnectPlan = {
    organizationName: auth.tenant.name,
    tenantName: facts.displayName,
    microsoftTenantId: facts.microsoftTenantId,
    domains: facts.domains.map((d) => d.name),
    products: facts.products.length,
    users,
    checkedAt: now,
  };
  // Nothing is kept for a rehearsal, or when the admin did not say beforehand what becomes of the users not in the tenant (the command line).
  if (options.dryRun || (options.missingChosen === false && match.leftOutCount > 0)) return ok({ plan, saved: false });
  const saved = await savePendingConnection(
    ctx.db,
    {
      tenantId: auth.tenant.id,
      microsoftTenant: checked.tenant,
      microsoftTenantId: facts.microsoftTenantId,
      displayName: facts.displayName,
      clientId: checked.clientId,
      sealedSecret: sealClientSecret(key, auth.tenant.id, checked.clientId, checked.clientSecret),
      requestedBy: auth.actorId,
      leftOutUsers: match.leftOutCount,
    },
    now,
  );
  if (!saved) return fail('conflict', `${auth.tenant.name} was connected meanwhile by another admin.`);
  return ok({ plan, saved: true });
}

/** What the admin chose for the users of Roster's directory the tenant does not have. */
export type MissingUsers = 'leave_out' | 'create';

/**
 * Connects the organization as checked (Global admins): from now on its tables are the tenant's
 * mirror, and the first sync is queued (a full read; the users of Roster's own directory not found
 * in the tenant are deleted then). When there are such users the admin chose what becomes of them:
 * left out (deleted at the first sync), or created in the tenant first: then a job makes them there
 * (create-missing-job.ts) and queues the first sync when it ends (`createJobId`; `syncJobId` is null).
 */
export async function confirmConnection(
  ctx: CoreContext,
  actor: Actor,
  confirmation: { checkedAt: Date; missing: MissingUsers | null },
  options: { queue?: JobQueue; notify?: string | null; maxAttempts?: number } = {},
): Promise<Result<{ tenantName: string; syncJobId: string | null; createJobId: string | null }>> {
  const auth = await authorize(ctx, actor, 'manage_directory');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const busy = await busyRefusal(ctx, tenantId);
  if (busy) return busy;
  const now = ctx.now();
  const done = await transaction(ctx, async (tx): Promise<Result<{ tenantName: string; syncJobId: string | null; createJobId: string | null }>> => {
    const pending = await connectionOf(tx, tenantId);
    if (pending?.status === 'connected') return fail('conflict', `${auth.tenant.name} is connected to ${pending.displayName} already.`);
    if (!pending || pending.createdAt.getTime() !== confirmation.checkedAt.getTime())
      return fail('conflict', 'A newer check replaced this one (another admin, or another try): check the tenant again with `/users connect`.');
    if (differenceInMinutes(now, pending.createdAt) > CHECK_VALID_MINUTES)
      return fail('conflict', `This check is over ${CHECK_VALID_MINUTES} minutes old: check the tenant again with \`/users connect\`.`);
    if (pending.leftOutUsers > 0 && !confirmation.missing)
      return fail(
        'invalid_input',
        `${pending.leftOutUsers} ${pending.leftOutUsers === 1 ? "user of Roster's directory is" : "users of Roster's directory are"} not in ${pending.displayName}: choose to create them in the tenant or to leave them out.`,
        [{ field: 'missing', message: 'Choose what becomes of them.' }],
      );
    const creating = pending.leftOutUsers > 0 && confirmation.missing === 'create';
    await markConnected(tx, tenantId, now);
    await setDirectoryKind(tx, tenantId, 'microsoft365', pending.displayName);
    await writeAudit(
      tx,
      {
        tenantId,
        actor: auth.actorId,
        action: 'tenant.connect',
        targetType: 'tenant',
        targetId: pending.microsoftTenantId,
        changedFields: ['directory'],
        summary: `Connected to the Microsoft 365 tenant ${pending.displayName} (${pending.microsoftTenantId}, app ${pending.clientId})${pending.leftOutUsers > 0 ? `; ${pending.leftOutUsers} users of Roster's directory ${creating ? 'to be created in the tenant' : 'left out'}` : ''}`,
      },
      now,
    );
    const queue = options.queue ?? 'app';
    if (creating) {
      const createJobId = await queueCreateMissing(
        ctx,
        {
          tenantId,
          requestedBy: auth.actorId,
          queue,
          payload: {
            actor,
            notify: options.notify ?? null,
            syncQueue: queue,
            ...(options.maxAttempts ? { syncMaxAttempts: options.maxAttempts } : {}),
          },
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        },
        tx,
      );
      return ok({ tenantName: pending.displayName, syncJobId: null, createJobId });
    }
    const job = await queueSync(
      ctx,
      {
        tenantId,
        requestedBy: auth.actorId,
        notify: options.notify ?? null,
        queue: options.queue ?? 'app',
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      },
      tx,
    );
    return ok({ tenantName: pending.displayName, syncJobId: job.id, createJobId: null });
  });
  if (!done.ok) return done;
  if (done.value.ok) reportChange(ctx, auth.tenant, 'organization', actor);
  return done.value;
}
