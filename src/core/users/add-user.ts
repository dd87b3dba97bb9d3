import { addDays } from 'date-fns';
import { approvalRequired } from '../approvals/request-approval.js';
import { ROLE_NEEDS_APPROVAL } from '../refusals.js';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize, forbiddenMessage, mayChangeDirectory, type Authorized } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashPassword } from '../passwords/hash-password.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type Result } from '../result.js';
import { hasPermission, rolesGranting, roleLabels, ROLES, type Role } from '../roles.js';
import { changeDirectory } from '../directory/change-directory.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserBySlackMember } from '../../store/directory-users.js';
import { usableDomains } from '../../store/organizations.js';
import { licensePools } from '../../store/seat-ledger.js';
import type { Db } from '../../store/database.js';
import { changeUserLicenses, LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import { UniqueViolation } from '../../store/errors.js';
import { addUserInputSchema, type AddUserInput, type ParsedAddUserInput } from './add-user-input.js';
import { usernameUnavailableReason } from './username-availability.js';
import { validateNewUser, type ValidNewUser } from './validate-new-user.js';
import { reviewNewUser, type NewUserReview } from './new-user-review.js';
import { assigningLicensesNeeds, formIncomplete, MEMBER_LINKED_MEANWHILE } from '../refusals.js';
import { isFieldError, NOBODY_TO_TELL, parseStartDate, queueStart, startPermissions, startRecipients } from '../schedules/onboarding.js';
import { scheduleSettings } from '../../store/tenant-settings.js';

/** Why a temporary password was made: a new account, a reset, or a restored account. */
export type CredentialOccasion = 'added' | 'reset' | 'restored' | 'started';

export interface CredentialNotice {
  occasion: CredentialOccasion;
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
  userPrincipalName: string;
  displayName: string;
  /** The credentials to send now; null for a user with a start date (they go out on that day). */
  notice: CredentialNotice | null;
  /** The scheduled start, when the user starts on a later day: sign-in blocked until then. */
  start: ScheduledStart | null;
  /** Slack members to send the notice to, besides the admin. */
  credentialRecipients: string[];
  roles: Role[];
  /** What was (or, in a dry run, would be) created, for the wizard's review step. */
  review: NewUserReview;
  /** A rehearsal: every check and write ran, then all was rolled back (`userId` names nobody). */
  dryRun: boolean;
  /** The connected tenant the user is made in (its name), or null on Roster's own directory: a form then says it is asking. */
  tenantName: string | null;
}

/** A new user's start on a later day: when it runs, and its job (null in a rehearsal). */
export interface ScheduledStart {
  startDate: string;
  runAt: Date;
  timeZone: string;
  jobId: string | null;
  licenses: string[];
}

/** What Add user will make, checked before anything is written. */
interface AddUserPlan extends Omit<AddUserResult, 'userId' | 'dryRun' | 'notice' | 'start' | 'userPrincipalName' | 'displayName' | 'tenantName'> {
  notice: CredentialNotice;
  start: { day: string; runAt: Date; timeZone: string } | null;
  /** Whether the temporary password is Roster's (hashed fast) or a person's choice (scrypt). */
  passwordGenerated: boolean;
}

interface CheckedAddUser {
  plan: AddUserPlan;
  input: ParsedAddUserInput;
  user: ValidNewUser;
  auth: Authorized;
}

async function check(ctx: CoreContext, actor: Actor, rawInput: AddUserInput, temporaryPassword?: string): Promise<({ ok: true } & CheckedAddUser) | CoreError> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const shape = addUserInputSchema.safeParse(rawInput);
  if (!shape.success) return fail('invalid_input', formIncomplete(shape.error.issues));
  const input = shape.data;
  const { tenant } = auth;

  const domains = await usableDomains(ctx.db, tenant.id);
  const pools = await licensePools(ctx.db, tenant.id);
  const checked = validateNewUser(input, { domains, ownedSkuIds: pools.map((p) => p.skuId) });
  const fields = checked.ok ? [] : [...checked.fields];
  const roles = input.roles as Role[];
  if (roles.length > 0 && !hasPermission(auth.roles, 'assign_roles')) {
    fields.push({
      field: 'roles',
      message: `Only a ${roleLabels(rolesGranting('assign_roles'))} can give admin roles. Add the user without roles and ask one.`,
    });
  } else if (roles.length > 0) {
    const elsewhere = mayChangeDirectory(auth, 'assign_roles');
    if (!elsewhere.ok) fields.push({ field: 'roles', message: elsewhere.message });
    else if (await approvalRequired(ctx, tenant.id, { kind: 'role_grant' })) fields.push({ field: 'roles', message: ROLE_NEEDS_APPROVAL });
  }
  if (input.licenses.length > 0 && !hasPermission(auth.roles, 'assign_licenses')) {
    fields.push({ field: 'licenses', message: assigningLicensesNeeds() });
  }
  if (checked.ok) {
    const reason = await usernameUnavailableReason(ctx.db, tenant, checked.user.username);
    if (reason) fields.push({ field: 'alias', message: reason });
  }
  const schedule = await scheduleSettings(ctx.db, tenant.id);
  const start = parseStartDate(input.startDate, schedule, ctx.now());
  if (isFieldError(start)) fields.push(start);
  else if (start) {
    if (input.password.mode === 'custom')
      fields.push({ field: 'password', message: 'With a start date Roster generates the password on that day: choose "Automatically create a password".' });
    if (startRecipients(actor, input.credentialRecipients).length === 0) fields.push({ field: 'credentialRecipients', message: NOBODY_TO_TELL });
    const missing = startPermissions(input.licenses).find((p) => !hasPermission(auth.roles, p));
    if (missing) fields.push({ field: 'startDate', message: forbiddenMessage(auth, missing) });
  }
  if (input.slackUserId) {
    const linked = await activeUserBySlackMember(ctx.db, tenant.id, input.slackUserId);
    if (linked) fields.push({ field: 'slackUserId', message: `That Slack member is already ${linked.userPrincipalName}.` });
  }
  if (!checked.ok || fields.length > 0) return invalidFields(fields);

  const { username, profile } = checked.user;
  const generated = input.password.mode === 'auto';
  const now = ctx.now();
  const credentialRecipients = [...new Set(input.credentialRecipients)].filter((id) => id !== auth.actorId);
  // With a start date the password is set on that day: it expires counting from then.
  const setAt = start && !isFieldError(start) ? start.runAt : now;
  const passwordExpiresAt = tenant.passwordExpiryDays > 0 ? addDays(setAt, tenant.passwordExpiryDays) : null;
  const startsOn = start && !isFieldError(start) ? { day: start.day, runAt: start.runAt, timeZone: schedule.timeZone } : null;
  const plan: AddUserPlan = {
    roles,
    credentialRecipients,
    passwordGenerated: generated,
    start: startsOn,
    review: reviewNewUser(input, checked.user, { roles, credentialRecipients, passwordExpiresAt, start: startsOn }),
    notice: {
      occasion: 'added',
      displayName: profile.displayName,
      userPrincipalName: username.userPrincipalName,
      temporaryPassword: input.password.mode === 'auto' ? (temporaryPassword ?? generatePassword()) : input.password.value,
      mustChangeAtNextSignIn: input.requirePasswordChange,
      passwordExpiresAt,
      licenses: input.licenses.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId),
    },
  };
  return { ok: true, plan, input, user: checked.user, auth };
}

/**
 * Adds one user (docs/domain.md "Add one user"): account, licenses, roles and temporary password
 * together or not at all. Needs Global or User admin; giving roles needs Global admin.
 * With `dryRun` it is the wizard's check before its review: every rule creation applies (the
 * username and Slack member free, seats, license rules) runs in a transaction that is rolled back,
 * and the result says what would be made. `temporaryPassword` is the generated one a rehearsal
 * returned (and a form showed), to make the user with it.
 */
export async function addUser(
  ctx: CoreContext,
  actor: Actor,
  rawInput: AddUserInput,
  options: { temporaryPassword?: string; dryRun?: boolean } = {},
): Promise<Result<AddUserResult>> {
  const checked = await check(ctx, actor, rawInput, options.temporaryPassword);
  if (!checked.ok) return checked;
  const { plan, input, auth } = checked;
  const { tenant } = auth;
  const { username, profile, usageLocation, alternateEmail } = checked.user;
  const { roles, notice, start } = plan;
  const dryRun = options.dryRun === true;
  // With a start date the password made now is one nobody is given (a new one comes on the day).
  const password = start ? generatePassword() : notice.temporaryPassword;
  // A rehearsal's hash is rolled back with everything else: the fast one spares it scrypt's ~50 ms.
  const passwordHash = await hashPassword(password, plan.passwordGenerated || dryRun ? 'generated' : 'chosen');
  const now = ctx.now();
  const mustChange = start ? true : input.requirePasswordChange;
  const licenses = start ? [] : input.licenses;

  const licenseNames = notice.licenses;
  let created;
  try {
    created = await changeDirectory(
      ctx,
      tenant,
      async (tx, directory) => {
        const userId = await directory.createUser(
          tx,
          {
            tenantId: tenant.id,
            userPrincipalName: username.userPrincipalName,
            alias: username.alias,
            domain: username.domain,
            displayName: profile.displayName,
            profile,
            alternateEmail,
            usageLocation,
            accountEnabled: !start,
            slackUserId: input.slackUserId ?? null,
            passwordHash,
            forceChangePassword: mustChange,
          },
          roles,
          now,
          password,
        );
        // Licenses through the one path every license change takes: rules, seats, the mailbox.
        if (licenses.length > 0)
          await licenseNewUser(tx, directory, auth, userId, { userPrincipalName: username.userPrincipalName, usageLocation }, licenses, now);
        const jobId = start
          ? await queueStart(
              ctx,
              tx,
              tenant.id,
              {
                actor,
                userId,
                userPrincipalName: username.userPrincipalName,
                startDate: start.day,
                licenses: input.licenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
                credentialRecipients: startRecipients(actor, plan.credentialRecipients),
                mustChangePassword: input.requirePasswordChange,
              },
              start.runAt,
            )
          : null;
        await writeAudit(
          tx,
          {
            tenantId: tenant.id,
            actor: auth.actorId,
            action: 'user.create',
            targetType: 'user',
            targetUserId: userId,
            changedFields: [
              'account',
              ...(start ? ['accountEnabled', 'onboarding'] : ['password']),
              ...(licenses.length ? ['licenses'] : []),
              ...(roles.length ? ['roles'] : []),
            ],
            summary: start
              ? `Added ${username.userPrincipalName}, starting on ${start.day}: sign-in blocked and no password given until then${licenseNames.length ? `; ${licenseNames.join(', ')} assigned on that day` : ''}${roles.length ? `; roles: ${roles.map((r) => ROLES[r]).join(', ')}` : ''}`
              : `Added ${username.userPrincipalName}${licenseNames.length ? ` with ${licenseNames.join(', ')}` : ' without a license'}${
                  roles.length ? `; roles: ${roles.map((r) => ROLES[r]).join(', ')}` : ''
                }`,
          },
          now,
        );
        return { userId, jobId };
      },
      { dryRun },
    );
  } catch (error) {
    if (error instanceof UniqueViolation && error.constraint === 'username') {
      return invalidFields([{ field: 'alias', message: `The username ${username.userPrincipalName} was taken a moment ago. Choose another.` }]);
    }
    if (error instanceof UniqueViolation && error.constraint === 'slack_member') {
      return invalidFields([{ field: 'slackUserId', message: MEMBER_LINKED_MEANWHILE }]);
    }
    throw error;
  }
  if (!created.ok) return created;
  if (!dryRun) reportChange(ctx, tenant, 'users', actor);
  return ok({
    userId: created.value.userId,
    userPrincipalName: notice.userPrincipalName,
    displayName: notice.displayName,
    roles,
    credentialRecipients: plan.credentialRecipients,
    notice: start ? null : notice,
    start: start
      ? { startDate: start.day, runAt: start.runAt, timeZone: start.timeZone, jobId: dryRun ? null : created.value.jobId, licenses: licenseNames }
      : null,
    review: plan.review,
    dryRun,
    tenantName: tenant.directory === 'embedded' ? null : tenant.name,
  });
}

/**
 * The licenses of a user just made (in their transaction): `changeUserLicenses` with what is known
 * of them, so no read is needed. A refusal (a seat taken meanwhile) rolls the whole user back.
 */
async function licenseNewUser(
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  userId: string,
  user: { userPrincipalName: string; usageLocation: string | null },
  licenses: readonly LicenseChoice[],
  now: Date,
): Promise<void> {
  try {
    await changeUserLicenses(
      tx,
      userId,
      { add: licenses },
      {
        directory,
        ownedSkuIds: licenses.map((l) => l.skuId),
        mayLicenseGuests: hasPermission(auth.roles, 'license_guests'),
        now,
        known: {
          user: {
            id: userId,
            tenantId: auth.tenant.id,
            userPrincipalName: user.userPrincipalName,
            usageLocation: user.usageLocation,
            userType: 'member',
            mailbox: 'none',
            licenseError: null,
          },
          licenses: [],
        },
      },
    );
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    const noSeat = error.problems.find((p) => p.code === 'no_seat');
    if (noSeat) throw new CoreFailure(fail('no_seats', noSeat.message, [{ field: 'licenses', message: noSeat.message }]));
    throw new CoreFailure(invalidFields(error.problems.map((p) => ({ field: 'licenses', message: p.message }))));
  }
}
