import type { CoreContext } from '../context.js';
import { tenantTeams } from '../../store/organizations.js';

/**
 * The workspace the command line acts on when it names none: the one organization's, or null with
 * the teams to choose from (none, or several). Only the operator at the server asks, who can open
 * the database anyway, so no role is checked.
 */
export async function onlyOrganizationTeam(ctx: CoreContext): Promise<{ team: string | null; teams: string[] }> {
  const teams = await tenantTeams(ctx.db, 10);
  return { team: teams.length === 1 ? teams[0]! : null, teams };
}
