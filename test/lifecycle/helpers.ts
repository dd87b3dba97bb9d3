import { addUser } from '../../src/core/users/add-user.js';
import type { AddUserInput } from '../../src/core/users/add-user-input.js';
import type { CoreContext, MemberActor } from '../../src/core/context.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { OWNER } from '../support/test-db.js';

export const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
export const E1 = productByPartNumber('STANDARDPACK')!;
export const E3 = productByPartNumber('ENTERPRISEPACK')!;

/** Adds a user as the owner (Global admin); throws when refused. */
export async function makeUser(
  ctx: CoreContext,
  alias: string,
  overrides: Partial<AddUserInput> = {},
  actor: MemberActor = OWNER,
): Promise<{ id: string; upn: string; password: string }> {
  const result = await addUser(ctx, actor, {
    firstName: alias,
    lastName: 'Test',
    displayName: `${alias} Test`,
    alias,
    domain: 'contoso.onmicrosoft.com',
    password: { mode: 'auto' },
    usageLocation: 'NL',
    ...(overrides.roles?.length ? { alternateEmail: `${alias}@example.com` } : {}),
    ...overrides,
  });
  if (!result.ok) throw new Error(`${alias}: ${result.message}`);
  return { id: result.userId, upn: result.userPrincipalName, password: result.notice!.temporaryPassword };
}
