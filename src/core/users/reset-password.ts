import { addDays } from 'date-fns';
import { z } from 'zod';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { confirmActOnUser } from '../access/act-on-user.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashPassword } from '../passwords/hash-password.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type FieldError, type Result } from '../result.js';
import { passwordProblem } from '../rules/password-policy.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { licensesOf } from '../../store/seat-ledger.js';
import type { CredentialNotice } from './add-user.js';
import { MAX_CREDENTIAL_RECIPIENTS } from './add-user-input.js';
import { changeDirectory } from '../directory/change-directory.js';
import { isSynced, loadTarget, targetRefusal, type Target, type TargetRef } from './edit-user-target.js';
import { SYNCED_USER } from '../refusals.js';
import { formIncomplete } from '../refusals.js';

export const resetPasswordInputSchema = z.object({
  password: z.discriminatedUnion('mode', [z.object({ mode: z.literal('auto') }), z.object({ mode: z.literal('custom'), value: z.string() })]),
  requirePasswordChange: z.boolean().default(true),
  credentialRecipients: z.array(z.string()).default([]),
});
export type ResetPasswordInput = z.input<typeof resetPasswordInputSchema>;

export interface PasswordResetDone {
  userId: string;
  notice: CredentialNotice;
  /** Slack members to send the notice to, besides the admin. */
  credentialRecipients: string[];
  dryRun: boolean;
}

type Checked = { ok: true; auth: Authorized; target: Target; input: z.output<typeof resetPasswordInputSchema> };

/**
 * Everything a reset checks before the slow part (a chosen password's scrypt hash): permission,
 * who may reset whom (mayActOnTarget), synced users, the password policy and the recipients. Fast,
 * so a form can be answered from it before Slack's 3 seconds run out.
 */
export async function checkPasswordReset(ctx: CoreContext, actor: Actor, ref: TargetRef, raw: ResetPasswordInput): Promise<Checked | CoreError> {
  const auth = await authorize(ctx, actor, 'reset_passwords');
  if (!auth.ok) return auth;
  const shape = resetPasswordInputSchema.safeParse(raw);
  if (!shape.success) return fail('invalid_input', formIncomplete(shape.error.issues));
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target);
  if (refusal) return fail('forbidden', refusal);
  if (isSynced(target)) return fail('unsupported', SYNCED_USER);
  const input = shape.data;
  const fields: FieldError[] = [];
  if (input.password.mode === 'custom') {
    const problem = passwordProblem(input.password.value);
    if (problem) fields.push({ field: 'password', message: problem });
  }
  if (input.credentialRecipients.length > MAX_CREDENTIAL_RECIPIENTS) {
    fields.push({ field: 'credentialRecipients', message: `Send the password to at most ${MAX_CREDENTIAL_RECIPIENTS} people.` });
  }
  if (fields.length > 0) return invalidFields(fields);
  return { ok: true, auth, target, input };
}

/**
 * Resets a user's password (docs/domain.md "Reset a password"): a generated or chosen password,
 * stored only as its hash, with "change at next sign-in" as asked. The password appears only in the
 * returned notice (shown once); the audit names the field, never the value.
 */
export async function resetPassword(
  ctx: CoreContext,
  actor: Actor,
  ref: TargetRef,
  raw: ResetPasswordInput,
  options: { dryRun?: boolean } = {},
): Promise<Result<PasswordResetDone>> {
  const checked = await checkPasswordReset(ctx, actor, ref, raw);
  if (!checked.ok) return checked;
  const { auth, target, input } = checked;
  const generated = input.password.mode === 'auto';
  const temporaryPassword = input.password.mode === 'auto' ? generatePassword() : input.password.value;
  const password = { value: temporaryPassword, hash: await hashPassword(temporaryPassword, generated ? 'generated' : 'chosen') };
  const done = await changeDirectory(
    ctx,
    auth.tenant,
    (tx, directory) => resetPasswordWithin(tx, directory, auth, target.user, { password, mustChange: input.requirePasswordChange }, ctx.now()),
    { dryRun: !!options.dryRun },
  );
  if (!done.ok) return done;
  if (!options.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
  return ok({
    userId: target.user.id,
    dryRun: !!options.dryRun,
    credentialRecipients: [...new Set(input.credentialRecipients)].filter((id) => id !== auth.actorId),
    notice: done.value,
  });
}

/**
 * One user's password reset, inside the writing transaction, decided again with the roles as
 * stored now (who may act on whom; a synced user's password is on premises): the hash stored, the
 * audit naming the field (never the value). Throws a CoreFailure when refused; returns the notice
 * (the password's one appearance, for its recipients).
 */
export async function resetPasswordWithin(
  tx: Db,
  directory: DirectoryProvider,
  checked: Authorized,
  user: DirectoryUserRecord,
  change: { password: { value: string; hash: string }; mustChange: boolean },
  now: Date,
): Promise<CredentialNotice> {
  const { auth } = await confirmActOnUser(tx, checked, 'reset_passwords', user.id);
  if (user.source === 'synced') throw new CoreFailure(fail('unsupported', SYNCED_USER));
  const { password, mustChange } = change;
  await directory.setPassword(tx, user.id, { passwordHash: password.hash, forceChangePassword: mustChange, temporaryPassword: password.value }, now);
  await writeAudit(
    tx,
    {
      tenantId: auth.tenant.id,
      actor: auth.actorId,
      action: 'user.password_reset',
      targetType: 'user',
      targetUserId: user.id,
      changedFields: ['password', ...(mustChange !== user.forceChangePassword ? ['forceChangePassword'] : [])],
      summary: `Reset the password of ${user.userPrincipalName}${mustChange ? ' (to be changed at next sign-in)' : ''}`,
    },
    now,
  );
  const licenses = await licensesOf(tx, user.id);
  return {
    occasion: 'reset',
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    temporaryPassword: password.value,
    mustChangeAtNextSignIn: mustChange,
    passwordExpiresAt: auth.tenant.passwordExpiryDays > 0 ? addDays(now, auth.tenant.passwordExpiryDays) : null,
    licenses: licenses.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId),
  };
}
