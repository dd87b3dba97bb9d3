/**
 * Row validation while streaming (pure, tenant-agnostic): whether the tenant owns the domain or
 * the username is taken is checked later, by the caller that knows the tenant.
 */
import { emailProblem } from '../rules/email.js';
import { passwordProblem } from '../rules/password-policy.js';
import { PROFILE_FIELDS, profileFieldProblems, type ProfileField, type ProfileValues } from '../rules/profile-fields.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { parseUsername } from '../rules/username.js';
import { labelOf } from './column-map.js';
import type { ImportColumnLabels, ImportRow, ImportUserFields, RowProblem } from './types.js';

/**
 * parseUsername's words suit the add-user form (an alias box and a domain picker); in a file an
 * empty part before or after the @ needs saying differently.
 */
function usernameMessage(userName: string, message: string): string {
  const [alias, domain, ...more] = userName.split('@');
  if (more.length === 0 && domain !== undefined) {
    if (alias === '') return 'The username has nothing before the @: write it as name@contoso.com.';
    if (domain === '') return 'The username has no domain after the @: write it as name@contoso.com.';
  }
  return message;
}

/**
 * Checks one row's values and returns the row, with the usage location normalized to its code.
 * Values are expected trimmed (a username's surrounding spaces are dropped silently). Messages
 * name each column by the label the file gives it and never contain a password.
 */
export function validateImportRow(fields: ImportUserFields, rowNumber: number, columnLabels: ImportColumnLabels): ImportRow {
  const problems: RowProblem[] = [];
  const add = (field: keyof ImportUserFields, message: string) => problems.push({ column: labelOf(field, columnLabels), message });
  const clean = { ...fields };

  const userName = fields.userName?.trim();
  if (!userName) add('userName', `${labelOf('userName', columnLabels)} is required.`);
  else {
    const parsed = parseUsername(userName);
    if (!parsed.ok) add('userName', usernameMessage(userName, parsed.message));
  }

  if (!fields.displayName?.trim()) add('displayName', `${labelOf('displayName', columnLabels)} is required.`);

  const profile: ProfileValues = {};
  for (const field of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
    const value = fields[field];
    if (value !== undefined) profile[field] = value;
  }
  for (const problem of profileFieldProblems(profile)) {
    const field = problem.field as ProfileField;
    const value = profile[field] ?? '';
    add(field, `${labelOf(field, columnLabels)} is ${value.length} characters; the most is ${PROFILE_FIELDS[field].max}.`);
  }

  if (fields.alternateEmail !== undefined) {
    const problem = emailProblem(fields.alternateEmail, labelOf('alternateEmail', columnLabels));
    if (problem) add('alternateEmail', `${problem} Write it as name@example.com.`);
  }

  if (fields.usageLocation !== undefined) {
    const location = normalizeUsageLocation(fields.usageLocation);
    if (location.ok) clean.usageLocation = location.code;
    else add('usageLocation', location.message);
  }

  if (fields.initialPassword !== undefined) {
    const problem = passwordProblem(fields.initialPassword);
    if (problem) add('initialPassword', `${problem.replace(/^The password/, 'The initial password')} Leave it empty to have Roster generate one.`);
  }

  return { rowNumber, fields: clean, problems };
}
