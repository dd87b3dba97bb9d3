/** How a file's columns map to user fields, and turning one parsed row into fields. */
import type { ImportColumnLabels, ImportFieldName, ImportLayout, ImportUserFields, RowProblem } from './types.js';
import { WHOLE_ROW } from './types.js';

export interface ColumnMap {
  layout: ImportLayout;
  /** Excel row number of the header row. */
  headerRowNumber: number;
  headerLabels: string[];
  /** The field each column holds, by position; undefined for a column Roster ignores. */
  fields: (ImportFieldName | undefined)[];
  columnLabels: ImportColumnLabels;
  /** Admin-center files must have exactly the layout's columns; Entra rows may stop early. */
  strictColumnCount: boolean;
  /** Names where the expected column count comes from, in messages: "the admin center layout". */
  countSource: string;
}

/** The admin center's English labels, for messages about a column the file does not label. */
export const DEFAULT_COLUMN_LABELS: Required<ImportColumnLabels> = {
  userName: 'User Name',
  firstName: 'First Name',
  lastName: 'Last Name',
  displayName: 'Display Name',
  jobTitle: 'Job Title',
  department: 'Department',
  officeNumber: 'Office Number',
  officePhone: 'Office Phone',
  mobilePhone: 'Mobile Phone',
  fax: 'Fax',
  alternateEmail: 'Alternate email address',
  address: 'Address',
  city: 'City',
  state: 'State or Province',
  postalCode: 'ZIP or Postal Code',
  country: 'Country or Region',
  initialPassword: 'Initial password',
  blockSignIn: 'Block sign in (Yes/No)',
  usageLocation: 'Usage location',
  startDate: 'Start date',
  manager: 'Manager',
};

export function labelOf(field: ImportFieldName, labels: ImportColumnLabels): string {
  return labels[field] || DEFAULT_COLUMN_LABELS[field];
}

/** A trimmed value; empty and whitespace-only become undefined, Windows line breaks become "\n". */
export function cleanValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '') return undefined;
  return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
}

/** A row of only empty cells (a blank line, or a line of separators) is skipped. */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/**
 * Whether the file has a password column. In such a file no problem message quotes a cell's value:
 * a separator that is not in quotes shifts a row's values into the wrong columns, so any cell of
 * any row may hold a password (see SECURITY.md).
 */
export function holdsPasswords(map: Pick<ColumnMap, 'fields'>): boolean {
  return map.fields.includes('initialPassword');
}

/** Shortens a value quoted in a message. */
export function quoteValue(value: string, max = 40): string {
  return `"${value.length > max ? `${value.slice(0, max - 1)}…` : value}"`;
}

/** A row with every field empty (undefined), to fill in from the file's cells. */
export function emptyFields(): ImportUserFields {
  return {
    userName: undefined,
    firstName: undefined,
    lastName: undefined,
    displayName: undefined,
    jobTitle: undefined,
    department: undefined,
    officeNumber: undefined,
    officePhone: undefined,
    mobilePhone: undefined,
    fax: undefined,
    alternateEmail: undefined,
    address: undefined,
    city: undefined,
    state: undefined,
    postalCode: undefined,
    country: undefined,
  };
}

/** Said instead of a value in a file that holds passwords. */
export const VALUE_NOT_SHOWN = ' (Roster does not show values from a file that holds passwords.)';

/** Index of the last non-empty cell, plus one. */
function usedLength(cells: readonly string[]): number {
  let length = cells.length;
  while (length > 0 && (cells[length - 1] ?? '').trim() === '') length--;
  return length;
}

/**
 * Maps one row's cells to fields by position. Problems found here: a wrong column count and a
 * "Block sign in" that is neither Yes nor No. Trailing empty cells beyond the header are ignored.
 */
export function mapRecord(cells: readonly string[], map: ColumnMap, rowNumber: number): { fields: ImportUserFields; problems: RowProblem[] } {
  const fields = emptyFields();
  const problems: RowProblem[] = [];
  const expected = map.fields.length;
  const tooMany = usedLength(cells) > expected;
  const tooFew = map.strictColumnCount && cells.length < expected;
  if (tooMany || tooFew) {
    const count = tooMany ? usedLength(cells) : cells.length;
    problems.push({
      column: WHOLE_ROW,
      message: `Row ${rowNumber} has ${count} columns; ${map.countSource} has ${expected}. Check the row for a missing or extra separator (a value that holds one must be in quotes).`,
    });
  }
  for (let i = 0; i < expected; i++) {
    const field = map.fields[i];
    const value = cleanValue(cells[i]);
    if (field === undefined || value === undefined) continue;
    if (field === 'blockSignIn') {
      const answer = value.toLowerCase();
      if (answer === 'yes' || answer === 'no') fields.blockSignIn = answer === 'yes';
      else {
        const what = holdsPasswords(map) ? 'The value' : quoteValue(value);
        problems.push({
          column: labelOf(field, map.columnLabels),
          message: `${what} is not Yes or No: write Yes to block sign-in or No to allow it.${holdsPasswords(map) ? VALUE_NOT_SHOWN : ''}`,
        });
      }
    } else {
      fields[field] = value;
    }
  }
  return { fields, problems };
}
