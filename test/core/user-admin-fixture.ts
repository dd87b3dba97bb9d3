import { addUser } from '../../src/core/users/add-user.js';
import type { AddUserInput } from '../../src/core/users/add-user-input.js';
import type { CoreContext, MemberActor } from '../../src/core/context.js';
import type { Role } from '../../src/core/roles.js';
import { OWNER, TEAM } from '../support/test-db.js';

/** One Slack member per admin role (and one with none), each linked to a directory user, for permission tests. */
export const ACTORS: Record<Role | 'none', MemberActor> = {
  global_admin: OWNER,
  user_admin: { teamId: TEAM, slackUserId: 'U0USERADMIN' },
  license_admin: { teamId: TEAM, slackUserId: 'U0LICADMIN' },
  billing_admin: { teamId: TEAM, slackUserId: 'U0BILLADMIN' },
  helpdesk_admin: { teamId: TEAM, slackUserId: 'U0HELPDESK' },
  service_support_admin: { teamId: TEAM, slackUserId: 'U0SUPPORT' },
  none: { teamId: TEAM, slackUserId: 'U0NOROLE' },
};

export function newUser(alias: string, overrides: Partial<AddUserInput> = {}): AddUserInput {
  return {
    firstName: alias,
    lastName: 'Test',
    displayName: `${alias} Test`,
    alias,
    domain: 'contoso.onmicrosoft.com',
    password: { mode: 'auto' },
    ...overrides,
  };
}

/** Adds a user as OWNER and returns their id. */
export async function makeUser(ctx: CoreContext, alias: string, overrides: Partial<AddUserInput> = {}): Promise<string> {
  const made = await addUser(ctx, OWNER, newUser(alias, overrides));
  if (!made.ok) throw new Error(`${alias}: ${made.message}`);
  return made.userId;
}

/** Links every role's actor to a directory user holding that role. */
export async function makeRoleHolders(ctx: CoreContext): Promise<void> {
  for (const [role, actor] of Object.entries(ACTORS)) {
    if (role === 'global_admin') continue;
    const roles = role === 'none' ? [] : [role as Role];
    await makeUser(ctx, role.replace(/_/g, '-'), { roles, alternateEmail: 'it@example.com', slackUserId: actor.slackUserId });
  }
}
