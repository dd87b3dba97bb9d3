/**
 * Row validation while streaming (pure, tenant-agnostic): whether the tenant owns the domain or
 * the username is taken is checked later, by the caller that knows the tenant.
 */
import { emailProblem } from '../rules/email.js';
import { passwordProblem } from '../rules/password-policy.js';
import { PROFILE_FIELDS, profileFieldProblems, type ProfileField, type ProfileValues } from '../rules/profile-fields.js';
import { normalizeUsageLocation } from '../rules/usage-location.js';
import { parseUsername } from '../rules/username.js';
import { VALUE_NOT_SHOWN, labelOf } from './column-map.js';
import { parseStartDateCell } from './start-date-cell.js';
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

export interface RowMessageOptions {
  /**
   * False in a file that holds passwords: then no message quotes a value, since a shifted row can
   * put a password in any column. Default true.
   */
  quoteValues?: boolean;
}

/** The rules' messages quote values in double quotes; `unquoted` says the same without the value. */
function withoutValue(message: string, unquoted: string, quoteValues: boolean): string {
  return quoteValues || !message.includes('"') ? message : `${unquoted}${VALUE_NOT_SHOWN}`;
}

/**
 * Checks one row's values and returns the row, with the usage location normalized to its code.
 * Values are expected trimmed (a username's surrounding spaces are dropped silently). Messages
 * name each column by the label the file gives it and never contain a password.
 */
export function validateImportRow(fields: ImportUserFields, rowNumber: number, columnLabels: ImportColumnLabels, options: RowMessageOptions = {}): ImportRow {
  const quoteValues = options.quoteValues ?? true;
  const problems: RowProblem[] = [];
  const add = (field: keyof ImportUserFields, message: string) => problems.push({ column: labelOf(field, columnLabels), message });
  const clean = { ...fields };

  const userName = fields.userName?.trim();
  if (!userName) add('userName', `${labelOf('userName', columnLabels)} is required.`);
  else {
    const parsed = parseUsername(userName);
    if (!parsed.ok) {
      const unquoted = "The username is not valid: use letters A-Z, digits and ' . - _ ! # ^ ~ before the @ and a domain such as contoso.com after it.";
      add('userName', withoutValue(usernameMessage(userName, parsed.message), unquoted, quoteValues));
    }
  }

  if (!fields.displayName?.trim()) add('displayName', `${labelOf('displayName', columnLabels)} is required.`);

  const profile: ProfileValues = {};
  for (const field of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
    const value = fields[field];
    if (value !== undefined) profile[field] = value;
  }
  // The form's rule (no control character, something visible, the length) with the file's labels;
  // its messages never quote the value.
  for (const problem of profileFieldProblems(profile, (field) => labelOf(field, columnLabels)))
    problems.push({ column: labelOf(problem.field as ProfileField, columnLabels), message: problem.message });

  if (fields.alternateEmail !== undefined) {
    const problem = emailProblem(fields.alternateEmail, labelOf('alternateEmail', columnLabels));
    const label = labelOf('alternateEmail', columnLabels);
    if (problem)
      add(
        'alternateEmail',
        withoutValue(`${problem} Write it as name@example.com.`, `${label} is not a valid email address. Write it as name@example.com.`, quoteValues),
      );
  }

  if (fields.usageLocation !== undefined) {
    const location = normalizeUsageLocation(fields.usageLocation);
    if (location.ok) clean.usageLocation = location.code;
    else {
      const unquoted = `${labelOf('usageLocation', columnLabels)} is not a country code. Use a two-letter ISO 3166 code such as NL, US or DE.`;
      add('usageLocation', withoutValue(location.message, unquoted, quoteValues));
    }
  }

  if (fields.startDate !== undefined) {
    const start = parseStartDateCell(fields.startDate, quoteValues);
    const label = labelOf('startDate', columnLabels);
    if (start.ok) clean.startDate = start.day;
    else problems.push({ column: label, message: start.message });
  }

  if (fields.initialPassword !== undefined) {
    const problem = passwordProblem(fields.initialPassword);
    if (problem) add('initialPassword', `${problem.replace(/^The password/, 'The initial password')} Leave it empty to have Roster generate one.`);
  }

  return { rowNumber, fields: clean, problems };
}
