import { z } from 'zod';
import { ROLE_IDS } from '../roles.js';
import { PROFILE_FIELD_NAMES, type ProfileField } from '../rules/profile-fields.js';

const optionalText = z.string().nullish();
const profileShape = Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field, optionalText])) as Record<ProfileField, typeof optionalText>;
const licenseChoice = z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) });

/**
 * An edit of one user (docs/domain.md "Edit a user"): each section is optional, and a section given
 * is compared with the user as stored, so only what differs is written and audited. The form sends
 * every section it shows; the command line only what was asked.
 */
export const editUserInputSchema = z.object({
  /** Names, display name and profile fields; a field left out (or empty) becomes empty. */
  details: z.object({ ...profileShape, displayName: z.string().default('') }).optional(),
  /** Only the profile fields named here are changed (the command line's `--department` and such). */
  detailsPatch: z.object(profileShape).partial().optional(),
  settings: z
    .object({
      signInAllowed: z.boolean().optional(),
      roles: z.array(z.enum(ROLE_IDS as [string, ...string[]])).optional(),
      alternateEmail: z.string().nullish(),
    })
    .optional(),
  /** null or '' clears it. */
  usageLocation: z.string().nullish(),
  /** The whole set the user should hold afterwards (the form). */
  licenses: z.array(licenseChoice).optional(),
  /** Products to give (kept as they are when already held) and to take away (the command line). */
  addLicenses: z.array(licenseChoice).optional(),
  removeLicenses: z.array(z.string()).optional(),
  username: z.object({ alias: z.string(), domain: z.string() }).optional(),
  /** The user's manager: picked (an id) or typed (a username); null removes it (docs/domain.md "Managers"). */
  manager: z.union([z.null(), z.object({ userId: z.string().min(1) }), z.object({ username: z.string() })]).optional(),
});

export type EditUserInput = z.input<typeof editUserInputSchema>;
export type ParsedEditUserInput = z.output<typeof editUserInputSchema>;
