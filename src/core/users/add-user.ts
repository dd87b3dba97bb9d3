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
import { statement } from '../store/statements.js';
import { licensePools, tenantDomains } from '../store/tenant-store.js';
import { insertDirectoryUser, insertLicenseAssignment } from '../store/user-writes.js';
import { isUniqueViolation, writeTransaction } from '../store/write-transaction.js';
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

  const domains = tenantDomains(ctx.sqlite, tenant.id);
  const pools = licensePools(ctx.sqlite, tenant.id);
  const checked = validateNewUser(input, { domains, ownedSkuIds: pools.map((p) => p.skuId) });
  const fields = checked.ok ? [] : [...checked.fields];
  const roles = input.roles as Role[];
  if (roles.length > 0 && !hasPermission(auth.roles, 'assign_roles')) {
    fields.push({ field: 'roles', message: `Only a ${roleLabels(rolesGranting('assign_roles'))} can give admin roles. Add the user without roles and ask one.` });
  }
  if (input.licenses.length > 0 && !hasPermission(auth.roles, 'assign_licenses')) {
    fields.push({ field: 'licenses', message: `Assigning licenses needs one of: ${roleLabels(rolesGranting('assign_licenses'))}.` });
  }
  if (checked.ok) {
    const reason = usernameUnavailableReason(ctx.sqlite, tenant, checked.user.username);
    if (reason) fields.push({ field: 'alias', message: reason });
  }
  if (input.slackUserId) {
    const linked = statement(ctx.sqlite, 'SELECT userPrincipalName FROM DirectoryUser WHERE tenantId = ? AND slackUserId = ?').get(tenant.id, input.slackUserId) as
      | { userPrincipalName: string }
      | undefined;
    if (linked) fields.push({ field: 'slackUserId', message: `That Slack member is already ${linked.userPrincipalName}.` });
  }
  if (!checked.ok || fields.length > 0) return invalidFields(fields);

  const { username, profile, usageLocation, alternateEmail } = checked.user;
  const generated = input.password.mode === 'auto';
  const temporaryPassword = input.password.mode === 'auto' ? generatePassword() : input.password.value;
  const passwordHash = await hashPassword(temporaryPassword, generated ? 'generated' : 'chosen');
  const now = ctx.now();
  const mustChange = input.requirePasswordChange;

  const licenseNames = input.licenses.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId);
  let created;
  try {
    created = writeTransaction(ctx, (db) => {
      const userId = insertDirectoryUser(
        db,
        {
          tenantId: tenant.id,
          userPrincipalName: username.userPrincipalName,
          alias: username.alias,
          domain: username.domain,
          displayName: profile.displayName,
          profile,
          alternateEmail,
          usageLocation,
          slackUserId: input.slackUserId ?? null,
          passwordHash,
          forceChangePassword: mustChange,
          roles,
        },
        now,
      );
      for (const license of input.licenses) {
        takeSeats(db, tenant.id, license.skuId, 1);
        insertLicenseAssignment(db, { userId, tenantId: tenant.id, skuId: license.skuId, disabledPlans: license.disabledPlans }, now);
      }
      writeAudit(db, {
        tenantId: tenant.id,
        actorSlackUserId: actor.slackUserId,
        action: 'user.create',
        targetType: 'user',
        targetId: userId,
        summary: `Added ${username.userPrincipalName}${licenseNames.length ? ` with ${licenseNames.join(', ')}` : ' without a license'}${
          roles.length ? `; roles: ${roles.map((r) => ROLES[r]).join(', ')}` : ''
        }`,
        at: now,
      });
      return { userId };
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
    userId: created.userId,
    roles,
    credentialRecipients: [...new Set(input.credentialRecipients)].filter((id) => id !== actor.slackUserId),
    notice: {
      displayName: profile.displayName,
      userPrincipalName: username.userPrincipalName,
      temporaryPassword,
      mustChangeAtNextSignIn: mustChange,
      passwordExpiresAt: tenant.passwordExpiryDays > 0 ? addDays(now, tenant.passwordExpiryDays) : null,
      licenses: licenseNames,
    },
  });
}

