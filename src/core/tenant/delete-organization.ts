import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { runningJobsOfTenant } from '../../store/jobs.js';
import { deleteTenantWithData } from '../../store/organizations.js';
import { lockOrganization } from '../../store/organization-lock.js';

/**
 * Deletes a workspace's organization and all of Roster's data about it (Global admins:
 * `delete_organization`), confirmed by typing its name again: users, roles, licenses and seats,
 * subscriptions, domains, views, the audit, imports, jobs, pending temporary passwords. Nothing can
 * bring it back. Removing Roster from Slack keeps the organization; this is how its owner deletes
 * it. A connected Microsoft 365 tenant is not touched: only Roster's records go. Refused while one
 * of its jobs runs (cancel it, or wait). The workspace can be set up again afterwards.
 */
export async function deleteOrganization(
  ctx: CoreContext,
  actor: Actor,
  input: { confirm: string; dryRun?: boolean },
): Promise<Result<{ organizationName: string }>> {
  const auth = await authorize(ctx, actor, 'delete_organization');
  if (!auth.ok) return auth;
  const { tenant } = auth;
  if (input.confirm.trim() !== tenant.name)
    return fail('invalid_input', `Type the organization's name exactly to confirm: ${tenant.name}.`, [
      { field: 'confirm', message: `Type ${tenant.name} to confirm.` },
    ]);
  const done = await transactionOrDryRun(ctx, input.dryRun ?? false, async (tx) => {
    // No write of the organization runs meanwhile, nor starts before this one ends.
    await lockOrganization(tx, tenant.id);
    const running = await runningJobsOfTenant(tx, tenant.id);
    if (running > 0)
      throw new CoreFailure(
        fail(
          'conflict',
          `${running} job${running === 1 ? ' of the organization is' : 's of the organization are'} running: wait for ${running === 1 ? 'it' : 'them'} to end, or cancel ${running === 1 ? 'it' : 'them'} from \`/users jobs\`, then delete the organization.`,
        ),
      );
    await deleteTenantWithData(tx, tenant);
  });
  if (!done.ok) return done;
  return ok({ organizationName: tenant.name });
}
