import type { DirectoryChange, NewTenantUser, TenantUserChanges } from '../directory/directory-change.js';

/**
 * Each change as Microsoft Graph takes it (v1.0): the requests, in order, with their bodies in
 * Graph's names (docs/domain.md "Connected organizations" maps Roster's fields to Graph's).
 */

export interface TenantRequest {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Under /v1.0. */
  url: string;
  body?: unknown;
}

/** Where an invited guest lands after accepting (Graph requires one): their apps. */
export const INVITE_REDIRECT_URL = 'https://myapps.microsoft.com';

/** Roster's profile fields by Graph's property names (the office phone and alternate email are the first of Graph's lists). */
const PROFILE_PROPERTIES = {
  firstName: 'givenName',
  lastName: 'surname',
  jobTitle: 'jobTitle',
  department: 'department',
  officeNumber: 'officeLocation',
  mobilePhone: 'mobilePhone',
  fax: 'faxNumber',
  address: 'streetAddress',
  city: 'city',
  state: 'state',
  postalCode: 'postalCode',
  country: 'country',
} as const;

/** The requests of one change to the user with object id `externalId` (null for a user the change makes). */
export function requestsFor(change: DirectoryChange, externalId: string | null): TenantRequest[] {
  const user = `/users/${encodeURIComponent(externalId ?? '')}`;
  switch (change.kind) {
    case 'create':
      return [{ method: 'POST', url: '/users', body: newUserBody(change.fields, change.password, change.forceChangePassword) }];
    case 'invite':
      return [
        {
          method: 'POST',
          url: '/invitations',
          body: {
            invitedUserEmailAddress: change.email,
            invitedUserDisplayName: change.displayName,
            inviteRedirectUrl: INVITE_REDIRECT_URL,
            sendInvitationMessage: true,
          },
        },
      ];
    case 'update':
      return [{ method: 'PATCH', url: user, body: changesBody(change.changes) }];
    case 'manager':
      // Graph's manager reference: PUT names the manager by its URL under the service; DELETE removes it.
      return change.managerExternalId
        ? [{ method: 'PUT', url: `${user}/manager/$ref`, body: { '@odata.id': managerReference(change.managerExternalId) } }]
        : [{ method: 'DELETE', url: `${user}/manager/$ref` }];
    case 'password':
      return [
        { method: 'PATCH', url: user, body: { passwordProfile: { password: change.password, forceChangePasswordNextSignIn: change.forceChangePassword } } },
      ];
    case 'licenses':
      return [
        {
          method: 'POST',
          url: `${user}/assignLicense`,
          body: { addLicenses: change.add.map((g) => ({ skuId: g.skuId, disabledPlans: g.disabledPlans })), removeLicenses: change.remove },
        },
      ];
    case 'delete':
      return [{ method: 'DELETE', url: user }];
    case 'restore': {
      // Under a new username (the old one was given to someone else meanwhile): the restore itself
      // must take it, as a restore keeping a username now in use is refused (ObjectConflict).
      const renamed = change.userPrincipalName.toLowerCase() !== change.user.userPrincipalName.toLowerCase();
      return [
        {
          method: 'POST',
          url: `/directory/deletedItems/${encodeURIComponent(externalId ?? '')}/restore`,
          ...(renamed ? { body: { newUserPrincipalName: change.userPrincipalName } } : {}),
        },
        { method: 'PATCH', url: user, body: { passwordProfile: { password: change.password, forceChangePasswordNextSignIn: true } } },
      ];
    }
    case 'purge':
      return [{ method: 'DELETE', url: `/directory/deletedItems/${encodeURIComponent(externalId ?? '')}` }];
  }
}

/** How Graph names a user in a reference (`@odata.id`): its URL on the public service, whatever endpoint Roster calls. */
export function managerReference(externalId: string): string {
  return `https://graph.microsoft.com/v1.0/users/${encodeURIComponent(externalId)}`;
}

function newUserBody(fields: NewTenantUser, password: string, forceChangePasswordNextSignIn: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    accountEnabled: fields.accountEnabled,
    displayName: fields.displayName,
    mailNickname: fields.alias,
    userPrincipalName: fields.userPrincipalName,
    passwordProfile: { password, forceChangePasswordNextSignIn },
  };
  // Licenses follow the usage location: Graph takes them only once it is set, so it goes with the user.
  if (fields.usageLocation) body.usageLocation = fields.usageLocation;
  for (const [field, property] of Object.entries(PROFILE_PROPERTIES)) {
    const value = fields.profile[field as keyof typeof PROFILE_PROPERTIES];
    if (value) body[property] = value;
  }
  if (fields.profile.officePhone) body.businessPhones = [fields.profile.officePhone];
  if (fields.alternateEmail) body.otherMails = [fields.alternateEmail];
  return body;
}

function changesBody(changes: TenantUserChanges): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (changes.displayName !== undefined) body.displayName = changes.displayName;
  for (const [field, value] of Object.entries(changes.profile ?? {})) {
    if (field === 'officePhone') body.businessPhones = value ? [value] : [];
    else body[PROFILE_PROPERTIES[field as keyof typeof PROFILE_PROPERTIES]] = value;
  }
  if (changes.alternateEmail !== undefined) body.otherMails = changes.alternateEmail ? [changes.alternateEmail] : [];
  if (changes.usageLocation !== undefined) body.usageLocation = changes.usageLocation;
  if (changes.accountEnabled !== undefined) body.accountEnabled = changes.accountEnabled;
  if (changes.userPrincipalName !== undefined) body.userPrincipalName = changes.userPrincipalName;
  return body;
}
