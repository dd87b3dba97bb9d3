import { openStart, startPayloadSchema } from '../schedules/onboarding.js';
import { addDays } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { fail, ok, type Result } from '../result.js';
import type { Role } from '../roles.js';
import type { ProfileValues } from '../rules/profile-fields.js';
import { userHistory, type AuditView } from '../../store/audit.js';
import { activeUserByUpn, activeUsersByAlias, rolesOf } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { licensesOf } from '../../store/seat-ledger.js';
import { mailboxOf } from '../../store/user-lifecycle.js';
import { directReports as directReportsOf, managerOf } from '../../store/managers.js';

/** How many of a user's latest changes `/users show` lists. */
export const HISTORY_SHOWN = 5;
/** How many of a manager's direct reports `/users show` names. */
export const REPORTS_SHOWN = 5;

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
    /** Whether `lastSignInAt` null means "never": false on a connected tenant whose sign-in activity was not read for them. */
    lastSignInKnown: boolean;
    passwordSetAt: Date;
    /** Null: it never expires, or (`passwordPolicyOf` set) the tenant's own policy decides, which Roster does not read. */
    passwordExpiresAt: Date | null;
    /** The connected tenant whose password policy applies (its name); null on Roster's own directory. */
    passwordPolicyOf: string | null;
    mustChangePassword: boolean;
  };
  roles: Role[];
  licenses: UserLicense[];
  /** "active", "grace" (kept until `graceEndsAt`: no license with Exchange) or "none". */
  mailbox: { state: 'none' | 'active' | 'grace'; graceEndsAt: Date | null };
  createdAt: Date;
  /** When a start date is scheduled (sign-in blocked until then): the moment it runs, and the day. */
  startsAt: Date | null;
  startDate: string | null;
  /** Their manager (a deleted one stays named until purged, marked so), and how many active users they manage. */
  manager: { id: string; userPrincipalName: string; displayName: string; deleted: boolean } | null;
  directReports: { count: number; first: string[] };
  /** The latest changes to this user, newest first. */
  history: AuditView[];
}

/** One user's details, by full username or, when unambiguous, by the part before the @. */
export async function showUser(ctx: CoreContext, actor: Actor, query: string): Promise<Result<{ user: UserDetails }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const wanted = query
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  if (!wanted) return fail('invalid_input', 'Say which user: `/users show <username>`, for example `/users show ana@contoso.com`.');
  let user: DirectoryUserRecord | null = await activeUserByUpn(ctx.db, auth.tenant.id, wanted);
  if (!user && !wanted.includes('@')) {
    const matches = await activeUsersByAlias(ctx.db, auth.tenant.id, wanted, 5);
    if (matches.length > 1) {
      return fail('invalid_input', `"${query.trim()}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}. Give the full username.`);
    }
    user = matches[0] ?? null;
  }
  if (!user) return fail('not_found', `No user ${query.trim()} in ${auth.tenant.name}. Check the spelling, or see everyone in the App Home.`);

  const expiry = auth.tenant.passwordExpiryDays;
  // A connected tenant's passwords follow its own expiration policy (per domain in Microsoft 365), not Roster's setting.
  const connected = auth.tenant.directory !== 'embedded';
  const [roles, licenses, history, mailbox, start, manager, directReports] = await Promise.all([
    rolesOf(ctx.db, user.id),
    licensesOf(ctx.db, user.id),
    userHistory(ctx.db, user.id, HISTORY_SHOWN),
    mailboxOf(ctx.db, user.id),
    openStart(ctx.db, user.id),
    managerOf(ctx.db, user.id),
    directReportsOf(ctx.db, auth.tenant.id, user.id, REPORTS_SHOWN),
  ]);
  const startDate = start ? startPayloadSchema.safeParse(start.payload) : null;
  return ok({
    user: {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      profile: user.profile,
      alternateEmail: user.alternateEmail,
      usageLocation: user.usageLocation,
      userType: user.userType,
      source: user.source,
      slackUserId: user.slackUserId,
      signIn: {
        allowed: user.accountEnabled,
        lastSignInAt: user.lastSignInAt,
        lastSignInKnown: user.signInReadAt !== null || auth.tenant.directory !== 'microsoft365',
        passwordSetAt: user.passwordSetAt,
        passwordExpiresAt: connected || expiry <= 0 ? null : addDays(user.passwordSetAt, expiry),
        passwordPolicyOf: connected ? auth.tenant.name : null,
        mustChangePassword: user.forceChangePassword,
      },
      roles,
      licenses: licenses.map((license) => {
        const product = productBySkuId(license.skuId);
        const disabled = license.disabledPlans;
        return {
          skuId: license.skuId,
          productName: product?.displayName ?? license.skuId,
          partNumber: product?.partNumber ?? license.skuId,
          disabledApps: disabled.map((id) => product?.plans.find((plan) => plan.id === id)?.displayName ?? id),
        };
      }),
      mailbox: {
        state: mailbox?.state === 'active' || mailbox?.state === 'grace' ? mailbox.state : 'none',
        graceEndsAt: mailbox?.graceEndsAt ?? null,
      },
      createdAt: user.createdAt,
      startsAt: start?.runAt ?? null,
      startDate: startDate?.success ? startDate.data.startDate : null,
      manager: manager && { id: manager.id, userPrincipalName: manager.userPrincipalName, displayName: manager.displayName, deleted: manager.deleted },
      directReports,
      history,
    },
  });
}
