/**
 * The parts of Graph's resources Roster reads (v1.0), as Graph sends them. A user in a delta page
 * may carry only the properties that changed (and `id`); a removed one carries `@removed`.
 */

export interface GraphAssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

export interface GraphUser {
  id: string;
  userPrincipalName?: string | null;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  officeLocation?: string | null;
  businessPhones?: string[] | null;
  mobilePhone?: string | null;
  faxNumber?: string | null;
  otherMails?: string[] | null;
  mail?: string | null;
  streetAddress?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  assignedLicenses?: GraphAssignedLicense[] | null;
  createdDateTime?: string | null;
  lastPasswordChangeDateTime?: string | null;
  /** Read with `$expand=manager($select=id)`: their manager (absent when they have none). */
  manager?: { id: string } | null;
  /** In a delta page asked with `$select=…,manager`: the manager now, or the one removed (`@removed`). */
  'manager@delta'?: { id: string; '@removed'?: { reason?: string } }[];
  /** In a delta page: the user left the collection ("changed": deleted, restorable for 30 days; "deleted": gone for good). */
  '@removed'?: { reason?: string };
}

/** The user properties a sync asks for (`$select`): what the mirror keeps. The manager is a relationship: the sync's delta query adds `manager` (manager@delta), a read of one user expands it. */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'officeLocation',
  'businessPhones',
  'mobilePhone',
  'faxNumber',
  'otherMails',
  'mail',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'usageLocation',
  'accountEnabled',
  'userType',
  'onPremisesSyncEnabled',
  'assignedLicenses',
  'createdDateTime',
  'lastPasswordChangeDateTime',
] as const;

export interface GraphServicePlan {
  servicePlanId: string;
  servicePlanName: string;
  provisioningStatus?: string;
  appliesTo?: string;
}

export interface GraphSubscribedSku {
  id?: string;
  skuId: string;
  skuPartNumber: string;
  appliesTo?: string;
  capabilityStatus?: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended?: number; warning?: number; lockedOut?: number };
  servicePlans?: GraphServicePlan[];
}

export interface GraphDomain {
  id: string;
  isDefault: boolean;
  isInitial: boolean;
  isVerified: boolean;
}

export interface GraphOrganization {
  id: string;
  displayName: string;
  verifiedDomains?: { name: string; isDefault?: boolean; isInitial?: boolean }[];
}
