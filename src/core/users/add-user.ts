import { addDays } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { writeAudit } from '../audit/write-audit.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { takeSeats } from '../licenses/seat-pool.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashPassword } from '../passwords/hash-password.js';
import { fail, invalidFields, ok, type Result } from '../result.js';
import { hasPermission, rolesGranting, roleLabels, ROLES, type Role } from '../roles.js';
import { isUniqueViolation, runInTransaction } from '../transaction.js';
import { addUserInputSchema, type AddUserInput } from './add-user-input.js';
import { usernameUnavailableReason } from './username-availability.js';
import { validateNewUser } from './validate-new-user.js';

export interface CredentialNotice {
  displayName: string;
  userPrincipalName: string;
  temporaryPassword: string;
  mustChangeAtNextSignIn: boolean;
  /** null when the tenant's passwords never expire. */
  passwordExpiresAt: Date | null;
  licenses: string[];
}

export interface AddUserResult {
  userId: string;
  notice: CredentialNotice;
  /** Slack members to send the notice to, besides the admin. */
  credentialRecipients: string[];
  roles: Role[];
}

/**
 * Adds one user (DOMAIN.md "Add one user"): account, licenses, roles and temporary password
 * together or not at all. Needs Global or User admin; giving roles needs Global admin.
 */
export async function addUser(ctx: CoreContext, actor: Actor, rawInput: AddUserInput): Promise<Result<AddUserResult>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const shape = addUserInputSchema.safeParse(rawInput);
  if (!shape.success) return fail('invalid_input', `The form is incomplete: ${shape.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const input = shape.data;
  const { tenant } = auth;

  const [domains, pools] = await Promise.all([
    ctx.db.domain.findMany({ where: { tenantId: tenant.id, verified: true }, select: { name: true }, orderBy: { name: 'asc' } }),
    ctx.db.licensePool.findMany({ where: { tenantId: tenant.id }, select: { skuId: true } }),
  ]);
  const checked = validateNewUser(input, { domains: domains.map((d) => d.name), ownedSkuIds: pools.map((p) => p.skuId) });
  const fields = checked.ok ? [] : [...checked.fields];
  const roles = input.roles as Role[];
  if (roles.length > 0 && !hasPermission(auth.roles, 'assign_roles')) {
    fields.push({ field: 'roles', message: `Only a ${roleLabels(rolesGranting('assign_roles'))} can give admin roles. Add the user without roles and ask one.` });
  }
  if (input.licenses.length > 0 && !hasPermission(auth.roles, 'assign_licenses')) {
    fields.push({ field: 'licenses', message: `Assigning licenses needs one of: ${roleLabels(rolesGranting('assign_licenses'))}.` });
  }
  if (checked.ok) {
    const reason = await usernameUnavailableReason(ctx.db, tenant, checked.user.username);
    if (reason) fields.push({ field: 'alias', message: reason });
  }
  if (input.slackUserId) {
    const linked = await ctx.db.directoryUser.findFirst({
      where: { tenantId: tenant.id, slackUserId: input.slackUserId },
      select: { userPrincipalName: true },
    });
    if (linked) fields.push({ field: 'slackUserId', message: `That Slack member is already ${linked.userPrincipalName}.` });
  }
  if (!checked.ok || fields.length > 0) return invalidFields(fields);

  const { username, profile, usageLocation, alternateEmail } = checked.user;
  const generated = input.password.mode === 'auto';
  const temporaryPassword = input.password.mode === 'auto' ? generatePassword() : input.password.value;
  const passwordHash = await hashPassword(temporaryPassword, generated ? 'generated' : 'chosen');
  const now = ctx.now();
  const mustChange = input.requirePasswordChange;

  let created;
  try {
    created = await runInTransaction(ctx, async (tx) => {
      const user = await tx.directoryUser.create({
        data: {
          tenantId: tenant.id,
          userPrincipalName: username.userPrincipalName,
          activeUpnKey: username.userPrincipalName.toLowerCase(),
          aliasKey: username.alias.toLowerCase(),
          domain: username.domain,
          ...profile,
          usageLocation,
          alternateEmail,
          slackUserId: input.slackUserId ?? null,
          passwordHash,
          passwordSetAt: now,
          forceChangePassword: mustChange,
          createdAt: now,
          roles: { create: roles.map((role) => ({ role, createdAt: now })) },
        },
      });
      for (const license of input.licenses) {
        await takeSeats(tx, tenant.id, license.skuId, 1);
        await tx.licenseAssignment.create({
          data: { userId: user.id, tenantId: tenant.id, skuId: license.skuId, disabledPlans: JSON.stringify(license.disabledPlans), assignedAt: now },
        });
      }
      const licenseNames = input.licenses.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId);
      await writeAudit(tx, {
        tenantId: tenant.id,
        actorSlackUserId: actor.slackUserId,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        summary: `Added ${username.userPrincipalName}${licenseNames.length ? ` with ${licenseNames.join(', ')}` : ' without a license'}${
          roles.length ? `; roles: ${roles.map((r) => ROLES[r]).join(', ')}` : ''
        }`,
        at: now,
      });
      return { user, licenseNames };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'activeUpnKey')) {
      return invalidFields([{ field: 'alias', message: `The username ${username.userPrincipalName} was taken a moment ago. Choose another.` }]);
    }
    if (isUniqueViolation(error, 'slackUserId')) {
      return invalidFields([{ field: 'slackUserId', message: 'That Slack member was linked to another user a moment ago.' }]);
    }
    throw error;
  }
  if ('ok' in created) return created;
  return ok({
    userId: created.user.id,
    roles,
    credentialRecipients: [...new Set(input.credentialRecipients)].filter((id) => id !== actor.slackUserId),
    notice: {
      displayName: profile.displayName,
      userPrincipalName: username.userPrincipalName,
      temporaryPassword,
      mustChangeAtNextSignIn: mustChange,
      passwordExpiresAt: tenant.passwordExpiryDays > 0 ? addDays(now, tenant.passwordExpiryDays) : null,
      licenses: created.licenseNames,
    },
  });
}

