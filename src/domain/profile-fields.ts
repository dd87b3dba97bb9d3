/** Profile properties and their maximum lengths (docs/domain.md "User properties", admin-center CSV). */
export const PROFILE_FIELDS = {
  firstName: { label: 'First name', max: 64 },
  lastName: { label: 'Last name', max: 64 },
  displayName: { label: 'Display name', max: 256 },
  jobTitle: { label: 'Job title', max: 64 },
  department: { label: 'Department', max: 64 },
  officeNumber: { label: 'Office', max: 128 },
  officePhone: { label: 'Office phone', max: 64 },
  mobilePhone: { label: 'Mobile phone', max: 64 },
  fax: { label: 'Fax number', max: 64 },
  address: { label: 'Street address', max: 1023 },
  city: { label: 'City', max: 128 },
  state: { label: 'State or province', max: 128 },
  postalCode: { label: 'ZIP or postal code', max: 40 },
  country: { label: 'Country or region', max: 128 },
} as const;

export type ProfileField = keyof typeof PROFILE_FIELDS;
export type ProfileValues = Partial<Record<ProfileField, string>>;
export const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS) as ProfileField[];

/** Fields that may hold line breaks (the forms show them as multi-line boxes). */
export const MULTILINE_PROFILE_FIELDS: readonly ProfileField[] = ['address'];
