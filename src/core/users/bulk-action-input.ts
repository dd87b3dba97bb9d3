import { z } from 'zod';
import type { Permission } from '../roles.js';

/** What an admin does to several users at once from a list (docs/domain.md "Bulk actions"). */
export const BULK_ACTIONS = ['reset_password', 'block', 'unblock', 'delete', 'restore'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export function isBulkAction(value: string): value is BulkAction {
  return (BULK_ACTIONS as readonly string[]).includes(value);
}

/**
 * Most users one bulk action names, in Slack and at the command line alike (as one delete request):
 * a reset or a restore posts a notice to the admin (and each recipient) for every user, and Slack
 * takes about one message a second in a conversation.
 */
export const MAX_BULK_USERS = 100;

/** The permission each action needs (docs/domain.md "Admin roles"), as the single action does. */
export const BULK_PERMISSION: Record<BulkAction, Permission> = {
  reset_password: 'reset_passwords',
  block: 'block_users',
  unblock: 'block_users',
  delete: 'delete_users',
  restore: 'delete_users',
};

/** A bulk reset's options, as the single reset's form has them (the passwords are always generated: one each). */
export const bulkOptionsSchema = z.object({
  requirePasswordChange: z.boolean().default(true),
  /** Slack members who get every new password's notice too, besides the admin. */
  credentialRecipients: z.array(z.string()).default([]),
});
export type BulkOptions = z.output<typeof bulkOptionsSchema>;

export interface BulkActionInput {
  action: BulkAction;
  /** Directory user ids (a list's ticked rows) or what was typed (the command line: usernames, or an alias when unambiguous). */
  users: { ids: readonly string[] } | { usernames: readonly string[] };
  options?: z.input<typeof bulkOptionsSchema>;
}

/** A user the action names: found (by id, with their username then), or not, with why. */
export type BulkTarget = { id: string; userPrincipalName: string } | { name: string; problem: string };

/** One user's outcome in a bulk action. */
export interface BulkOutcome {
  /** The username (or what was named, when it found nobody). */
  name: string;
  userId: string | null;
  done: boolean;
  /** Why not, when not done (the single action's refusal). */
  reason: string | null;
  /** What else to know: already so, licenses freed, licenses not given back. */
  note: string | null;
}
