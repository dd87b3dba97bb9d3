import { addDays } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { isRole, type Role } from '../roles.js';
import { PROFILE_FIELD_NAMES, type ProfileValues } from '../rules/profile-fields.js';

export interface UserLicense {
  skuId: string;
  productName: string;
  partNumber: string;
  disabledApps: string[];
}

export interface UserDetails {
  id: string;
  userPrincipalName: string;
  displayName: string;
  profile: ProfileValues;
  alternateEmail: string | null;
  usageLocation: string | null;
  userType: string;
  source: string;
  slackUserId: string | null;
  signIn: {
    allowed: boolean;
    lastSignInAt: Date | null;
    passwordSetAt: Date;
    passwordExpiresAt: Date | null;
    mustChangePassword: boolean;
  };
  roles: Role[];
  licenses: UserLicense[];
  createdAt: Date;
}

/** One user's details, by full username or, when unambiguous, by the part before the @. */
export async function showUser(ctx: CoreContext, actor: Actor, query: string): Promise<Result<{ user: UserDetails }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const wanted = query.trim().replace(/^mailto:/i, '').toLowerCase();
  if (!wanted) return fail('invalid_input', 'Say which user: `/users show <username>`, for example `/users show ana@contoso.com`.');
  const include = { roles: true, licenses: true } as const;
  let user = await ctx.db.directoryUser.findUnique({
    where: { tenantId_activeUpnKey: { tenantId: auth.tenant.id, activeUpnKey: wanted } },
    include,
  });
  if (!user && !wanted.includes('@')) {
    const matches = await ctx.db.directoryUser.findMany({
      where: { tenantId: auth.tenant.id, aliasKey: wanted, deletedAt: null },
      include,
      take: 5,
    });
    if (matches.length > 1) {
      return fail('invalid_input', `"${query.trim()}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}. Give the full username.`);
    }
    user = matches[0] ?? null;
  }
  if (!user) return fail('not_found', `No user ${query.trim()} in ${auth.tenant.name}. Check the spelling, or see everyone in the App Home.`);

  const profile: ProfileValues = {};
  for (const field of PROFILE_FIELD_NAMES) {
    const value = user[field];
    if (typeof value === 'string' && value) profile[field] = value;
  }
  const expiry = auth.tenant.passwordExpiryDays;
  return ok({
    user: {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      profile,
      alternateEmail: user.alternateEmail,
      usageLocation: user.usageLocation,
      userType: user.userType,
      source: user.source,
      slackUserId: user.slackUserId,
      signIn: {
        allowed: user.accountEnabled,
        lastSignInAt: user.lastSignInAt,
        passwordSetAt: user.passwordSetAt,
        passwordExpiresAt: expiry > 0 ? addDays(user.passwordSetAt, expiry) : null,
        mustChangePassword: user.forceChangePassword,
      },
      roles: user.roles.map((r) => r.role).filter(isRole),
      licenses: user.licenses.map((license) => {
        const product = productBySkuId(license.skuId);
        const disabled = JSON.parse(license.disabledPlans) as string[];
        return {
          skuId: license.skuId,
          productName: product?.displayName ?? license.skuId,
          partNumber: product?.partNumber ?? license.skuId,
          disabledApps: disabled.map((id) => product?.plans.find((plan) => plan.id === id)?.displayName ?? id),
        };
      }),
      createdAt: user.createdAt,
    },
  });
}
