import { z } from 'zod';
import type { CredentialNotice } from '../users/add-user.js';

/** What a credential notice shows besides the password: kept with a pending credential to redraw its DM. */
export type NoticeDetails = Omit<CredentialNotice, 'temporaryPassword'>;

const detailsSchema = z.object({
  // A record written before the occasion was kept is a new account's.
  occasion: z.enum(['added', 'reset', 'restored', 'started']).default('added'),
  displayName: z.string(),
  userPrincipalName: z.string(),
  mustChangeAtNextSignIn: z.boolean(),
  passwordExpiresAt: z.iso.datetime().nullable(),
  licenses: z.array(z.string()),
});

export function detailsOf(notice: CredentialNotice): NoticeDetails {
  const { temporaryPassword: _secret, ...details } = notice;
  return details;
}

/** The stored details, checked; a record written by an older version shows what it can. */
export function detailsFromStored(stored: unknown, userPrincipalName: string): NoticeDetails {
  const parsed = detailsSchema.safeParse(stored);
  if (!parsed.success)
    return { occasion: 'added', displayName: userPrincipalName, userPrincipalName, mustChangeAtNextSignIn: true, passwordExpiresAt: null, licenses: [] };
  return { ...parsed.data, passwordExpiresAt: parsed.data.passwordExpiresAt ? new Date(parsed.data.passwordExpiresAt) : null };
}
