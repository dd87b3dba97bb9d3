import { z } from 'zod';
import { ROLE_IDS } from '../roles.js';
import { PROFILE_FIELD_NAMES, type ProfileField } from '../rules/profile-fields.js';

export const MAX_CREDENTIAL_RECIPIENTS = 5;

const optionalText = z.string().optional();
const profileShape = Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field, optionalText])) as Record<ProfileField, typeof optionalText>;

/** The Add user wizard's answers (docs/domain.md "Add one user"); content rules are checked in validate-new-user.ts. */
export const addUserInputSchema = z.object({
  ...profileShape,
  displayName: z.string().default(''),
  /** The part before the @. */
  alias: z.string(),
  domain: z.string(),
  password: z.discriminatedUnion('mode', [z.object({ mode: z.literal('auto') }), z.object({ mode: z.literal('custom'), value: z.string() })]),
  requirePasswordChange: z.boolean().default(true),
  credentialRecipients: z.array(z.string()).default([]),
  usageLocation: z.string().optional(),
  licenses: z.array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) })).default([]),
  roles: z.array(z.enum(ROLE_IDS as [string, ...string[]])).default([]),
  alternateEmail: z.string().optional(),
  /** Link to a Slack member, so the roles given here apply to what they do in Roster. */
  slackUserId: z.string().optional(),
  /**
   * The first day (YYYY-MM-DD, the organization's time zone): later than today, the account is made
   * now with sign-in blocked and started on that day (core/schedules/onboarding.ts). Empty or today: now.
   */
  startDate: z.string().optional(),
});

export type AddUserInput = z.input<typeof addUserInputSchema>;
export type ParsedAddUserInput = z.output<typeof addUserInputSchema>;
