import { emptyFields } from '../import/column-map.js';
import type { ImportColumnLabels, ImportRow } from '../import/types.js';
import { validateImportRow } from '../import/validate-row.js';
import type { FormRow } from './import-types.js';

/** The fields of the Add several users form, named as its inputs are labelled (problems name them). */
export const FORM_LABELS = {
  userName: 'Username',
  firstName: 'First name',
  lastName: 'Last name',
  displayName: 'Display name',
} as const satisfies ImportColumnLabels;

/**
 * The form's users as an import's rows, checked by the same row rules as a file's (names, username,
 * display name), each with its own products. Run again when the import runs or resumes.
 */
export function formImportRows(rows: readonly FormRow[]): ImportRow[] {
  return rows.map((row) => ({
    ...validateImportRow(
      { ...emptyFields(), userName: row.userName, firstName: row.firstName, lastName: row.lastName, displayName: row.displayName },
      row.rowNumber,
      FORM_LABELS,
    ),
    licenses: row.licenses,
  }));
}
