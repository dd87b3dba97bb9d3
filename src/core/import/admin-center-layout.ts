/**
 * The admin center's CSV layouts (docs/domain.md "Add many users from a CSV"): columns are matched by
 * position, so labels may be in any language; English and Dutch labels are recognized by name so
 * that a re-ordered template is refused rather than read into the wrong fields.
 */
import type { ColumnMap } from './column-map.js';
import type { ImportColumnLabels, ImportFieldName, ImportLayout } from './types.js';

type AdminField = Exclude<ImportFieldName, 'initialPassword' | 'blockSignIn' | 'usageLocation' | 'manager'>;

/** Roster's optional last column after either layout: the manager's username (docs/domain.md "Managers"). */
const MANAGER_LABELS = new Set(['manager', 'manager (username)']);

export const ADMIN_CENTER_2024_FIELDS: readonly AdminField[] = [
  'userName',
  'firstName',
  'lastName',
  'displayName',
  'jobTitle',
  'department',
  'officeNumber',
  'officePhone',
  'mobilePhone',
  'fax',
  'alternateEmail',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
];
export const ADMIN_CENTER_2020_FIELDS: readonly AdminField[] = ADMIN_CENTER_2024_FIELDS.filter((f) => f !== 'alternateEmail');

/** The template's labels; the first English one is the label the admin center writes. */
const LABELS: Record<AdminField, { en: readonly string[]; nl: readonly string[] }> = {
  userName: { en: ['User Name', 'Username'], nl: ['Gebruikersnaam'] },
  firstName: { en: ['First Name'], nl: ['Voornaam'] },
  lastName: { en: ['Last Name'], nl: ['Achternaam'] },
  displayName: { en: ['Display Name'], nl: ['Weergavenaam'] },
  jobTitle: { en: ['Job Title'], nl: ['Functie'] },
  department: { en: ['Department'], nl: ['Afdeling'] },
  officeNumber: { en: ['Office Number', 'Office'], nl: ['Toestelnummer'] },
  officePhone: { en: ['Office Phone'], nl: ['Zakelijk nummer'] },
  mobilePhone: { en: ['Mobile Phone'], nl: ['Mobiel nummer'] },
  fax: { en: ['Fax', 'Fax Number'], nl: ['Faxnummer'] },
  alternateEmail: { en: ['Alternate email address', 'Alternate email'], nl: ['Alternatief e-mailadres'] },
  address: { en: ['Address', 'Street Address'], nl: ['Adres'] },
  city: { en: ['City'], nl: ['Plaats'] },
  state: { en: ['State or Province', 'State'], nl: ['Provincie'] },
  postalCode: { en: ['ZIP or Postal Code', 'Postal Code', 'ZIP'], nl: ['Postcode'] },
  country: { en: ['Country or Region', 'Country'], nl: ['Land of regio'] },
};

type Language = 'en' | 'nl';

const normalizeLabel = (label: string) =>
  label
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\*$/, '');

const KNOWN_LABELS = new Map<string, { field: AdminField; language: Language }>();
for (const field of ADMIN_CENTER_2024_FIELDS) {
  for (const language of ['en', 'nl'] as const) {
    for (const label of LABELS[field][language]) KNOWN_LABELS.set(normalizeLabel(label), { field, language });
  }
}

/** The field an English or Dutch label names, if any. */
export function recognizeAdminLabel(label: string): { field: AdminField; language: Language } | undefined {
  return KNOWN_LABELS.get(normalizeLabel(label));
}

export function templateLabel(field: AdminField, language: Language = 'en'): string {
  return LABELS[field][language][0] ?? field;
}

export function adminCenterHeaderLine(layout: 'admin-center-2024' | 'admin-center-2020', language: Language = 'en'): string[] {
  return fieldsOf(layout).map((field) => templateLabel(field, language));
}

function fieldsOf(layout: 'admin-center-2024' | 'admin-center-2020'): readonly AdminField[] {
  return layout === 'admin-center-2024' ? ADMIN_CENTER_2024_FIELDS : ADMIN_CENTER_2020_FIELDS;
}

export type AdminHeaderResult = { ok: true; map: ColumnMap } | { ok: false; message: string } | { ok: 'no-match' };

/**
 * Matches a header of 16 (2024) or 15 (2020) columns by position. Refuses a recognized label
 * that sits where the layout has another column. Other column counts give `no-match`.
 */
export function matchAdminCenterHeader(allLabels: string[], headerRowNumber: number): AdminHeaderResult {
  // Roster's own "Manager" column may follow the layout's columns: known by its label, not its position.
  const managerLabel = allLabels.length > 1 && MANAGER_LABELS.has(normalizeLabel(allLabels.at(-1) ?? '')) ? allLabels.at(-1) : undefined;
  const labels = managerLabel === undefined ? allLabels : allLabels.slice(0, -1);
  const layout: ImportLayout | undefined =
    labels.length === ADMIN_CENTER_2024_FIELDS.length
      ? 'admin-center-2024'
      : labels.length === ADMIN_CENTER_2020_FIELDS.length
        ? 'admin-center-2020'
        : undefined;
  if (layout === undefined) return { ok: 'no-match' };
  const fields = fieldsOf(layout);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] ?? '';
    const expected = fields[i];
    const known = recognizeAdminLabel(label);
    if (expected !== undefined && known !== undefined && known.field !== expected) {
      return {
        ok: false,
        message: `Column ${i + 1} is '${label}' but the admin center layout has '${templateLabel(expected, known.language)}' there: columns are matched by position; keep the template's order.`,
      };
    }
  }
  const columnLabels: ImportColumnLabels = {};
  fields.forEach((field, i) => {
    const label = labels[i];
    if (label) columnLabels[field] = label;
  });
  if (managerLabel !== undefined) columnLabels.manager = managerLabel;
  return {
    ok: true,
    map: {
      layout,
      headerRowNumber,
      headerLabels: allLabels,
      fields: managerLabel === undefined ? [...fields] : [...fields, 'manager'],
      columnLabels,
      strictColumnCount: true,
      countSource: 'the admin center layout',
    },
  };
}

/** For a header Roster does not know: the template's columns it lacks, when most labels are recognized. */
export function missingAdminColumns(labels: string[]): AdminField[] {
  const recognized = labels.map(recognizeAdminLabel).filter((known) => known !== undefined);
  if (recognized.length < labels.length / 2) return [];
  const present = new Set(recognized.map((known) => known.field));
  // Against the template version the file is closest to: a 2020 file missing one column is told
  // that column, not also the one only the 2024 version has.
  const [newer, older] = [ADMIN_CENTER_2024_FIELDS, ADMIN_CENTER_2020_FIELDS].map((fields) => fields.filter((field) => !present.has(field)));
  return older!.length < newer!.length ? older! : newer!;
}
