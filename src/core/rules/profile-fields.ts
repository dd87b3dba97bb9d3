import type { FieldError } from '../result.js';
import { MULTILINE_PROFILE_FIELDS, PROFILE_FIELD_NAMES, PROFILE_FIELDS, type ProfileField, type ProfileValues } from '../../domain/profile-fields.js';
import { profileTextProblem } from './profile-text.js';

export {
  MULTILINE_PROFILE_FIELDS,
  PROFILE_FIELD_NAMES,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfileValues,
} from '../../domain/profile-fields.js';

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
