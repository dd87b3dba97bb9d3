import type { GraphUser } from '../../graph/graph-types.js';
import type { MirrorChange, MirroredUser } from '../../domain/mirror.js';
import { hasMailboxPlan } from '../licenses/license-rules.js';

/**
 * A user as Graph reports them, in Roster's terms (docs/domain.md "Connected organizations"):
 * officeLocation is the Office, the first business phone the office phone, the first other email
 * the alternate email, onPremisesSyncEnabled makes the user synced, a Guest is a guest. What a
 * delta page leaves out stays as it is. Sku and plan ids are lower case, as the catalogue keeps them.
 */
export function mirrorChange(user: GraphUser): MirrorChange {
  const removed = user['@removed'];
  if (removed) return removed.reason === 'deleted' ? { kind: 'purged', externalId: user.id } : { kind: 'deleted', externalId: user.id };
  const has = (key: keyof GraphUser) => key in user;
  const text = (value: string | null | undefined) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const out: MirroredUser = { externalId: user.id };
  if (has('userPrincipalName') && user.userPrincipalName) out.userPrincipalName = user.userPrincipalName;
  if (has('displayName')) out.displayName = text(user.displayName) ?? user.userPrincipalName ?? user.id;
  const profile: NonNullable<MirroredUser['profile']> = {};
  const map = {
    givenName: 'firstName',
    surname: 'lastName',
    jobTitle: 'jobTitle',
    department: 'department',
    officeLocation: 'officeNumber',
    mobilePhone: 'mobilePhone',
    faxNumber: 'fax',
    streetAddress: 'address',
    city: 'city',
    state: 'state',
    postalCode: 'postalCode',
    country: 'country',
  } as const;
  for (const [graph, field] of Object.entries(map) as [keyof typeof map, (typeof map)[keyof typeof map]][])
    if (has(graph)) profile[field] = text(user[graph] as string | null | undefined);
  if (has('businessPhones')) profile.officePhone = text(user.businessPhones?.[0]);
  if (Object.keys(profile).length > 0) out.profile = profile;
  if (has('otherMails')) out.alternateEmail = text(user.otherMails?.[0]);
  if (has('mail')) out.mail = text(user.mail);
  if (has('usageLocation')) out.usageLocation = text(user.usageLocation)?.toUpperCase() ?? null;
  if (has('accountEnabled') && typeof user.accountEnabled === 'boolean') out.accountEnabled = user.accountEnabled;
  if (has('userType') && user.userType) out.userType = user.userType.toLowerCase() === 'guest' ? 'guest' : 'member';
  if (has('onPremisesSyncEnabled')) out.source = user.onPremisesSyncEnabled === true ? 'synced' : 'cloud';
  if (has('assignedLicenses')) {
    const licenses = (user.assignedLicenses ?? []).map((l) => ({
      skuId: l.skuId.toLowerCase(),
      disabledPlans: (l.disabledPlans ?? []).map((p) => p.toLowerCase()),
    }));
    out.licenses = licenses;
    out.mailbox = hasMailboxPlan(licenses) ? 'active' : 'none';
  }
  const date = (value: string | null | undefined) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const created = date(user.createdDateTime);
  if (created) out.createdAt = created;
  const password = date(user.lastPasswordChangeDateTime);
  if (password) out.passwordSetAt = password;
  if (has('manager')) out.managerExternalId = user.manager?.id ?? null;
  if (has('manager@delta')) out.managerExternalId = (user['manager@delta'] ?? []).find((m) => !m['@removed'])?.id ?? null;
  return { kind: 'user', user: out };
}
