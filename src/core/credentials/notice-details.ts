import { z } from 'zod';
import type { CredentialNotice } from '../users/add-user.js';

/** What a credential notice shows besides the password: kept with a pending credential to redraw its DM. */
export type NoticeDetails = Omit<CredentialNotice, 'temporaryPassword'>;

const detailsSchema = z.object({
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

export function detailsToJson(details: NoticeDetails): string {
  return JSON.stringify({ ...details, passwordExpiresAt: details.passwordExpiresAt?.toISOString() ?? null });
}

/** Reads the stored details back; a record written by an older version shows what it can. */
export function detailsFromJson(json: string, userPrincipalName: string): NoticeDetails {
  const parsed = detailsSchema.safeParse(JSON.parse(json));
  if (!parsed.success) return { displayName: userPrincipalName, userPrincipalName, mustChangeAtNextSignIn: true, passwordExpiresAt: null, licenses: [] };
  return { ...parsed.data, passwordExpiresAt: parsed.data.passwordExpiresAt ? new Date(parsed.data.passwordExpiresAt) : null };
}
