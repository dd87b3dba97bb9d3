import type { FieldError } from '../result.js';
import { profileTextProblem } from './profile-text.js';

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

/**
 * The problems of the given values, at most one per field: a control character or no visible
 * character (`profileTextProblem`), or more characters than the field holds. An empty value is
 * an absent one. `labelOf` names the field in the messages (an import names the file's column).
 */
export function profileFieldProblems(values: ProfileValues, labelOf: (field: ProfileField) => string = (field) => PROFILE_FIELDS[field].label): FieldError[] {
  const problems: FieldError[] = [];
  for (const field of PROFILE_FIELD_NAMES) {
    const value = values[field];
    if (value === undefined || value === '') continue;
    const label = labelOf(field);
    const { max } = PROFILE_FIELDS[field];
    const text = profileTextProblem(label, value, { multiline: MULTILINE_PROFILE_FIELDS.includes(field) });
    if (text) problems.push({ field, message: text });
    else if (value.length > max) problems.push({ field, message: `${label} is ${value.length} characters; the most is ${max}.` });
  }
  return problems;
}

/**
 * A value from somewhere no person can be asked to fix it (a Slack profile at setup): trimmed and
 * cut to the field's length, or undefined when it breaks the profile text rule.
 */
export function usableProfileText(field: ProfileField, value: string | undefined): string | undefined {
  const clean = value?.trim().slice(0, PROFILE_FIELDS[field].max).trim();
  if (!clean || profileTextProblem(PROFILE_FIELDS[field].label, clean, { multiline: MULTILINE_PROFILE_FIELDS.includes(field) })) return undefined;
  return clean;
}

/** Trims every value and drops the empty ones: a field holding only spaces is empty. */
export function cleanProfile(values: Partial<Record<ProfileField, string | null | undefined>>): ProfileValues {
  const clean: ProfileValues = {};
  for (const field of PROFILE_FIELD_NAMES) {
    const value = values[field]?.trim();
    if (value) clean[field] = value;
  }
  return clean;
}
