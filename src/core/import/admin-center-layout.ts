/**
 * The admin center's CSV layouts (docs/domain.md "Add many users from a CSV"): columns are matched by
 * position, so labels may be in any language; English and Dutch labels are recognized by name so
 * that a re-ordered template is refused rather than read into the wrong fields.
 */
import type { ColumnMap } from './column-map.js';
import type { ImportColumnLabels, ImportFieldName, ImportLayout } from './types.js';

type AdminField = Exclude<ImportFieldName, 'initialPassword' | 'blockSignIn' | 'usageLocation' | 'startDate' | 'manager'>;

/** Roster's optional last column after the admin center's own (docs/domain.md "Scheduled onboarding"), in English or Dutch. */
const START_DATE_LABELS = ['start date', 'startdatum', 'begindatum'];
export const START_DATE_LABEL = 'Start date';
/** Roster's optional last column after either layout: the manager's username (docs/domain.md "Managers"). */
const MANAGER_LABELS = ['manager', 'manager (username)'];

/** Roster's own columns that may follow the layout's, in either order: known by their label, not their position. */
const ROSTER_COLUMNS: readonly { field: 'startDate' | 'manager'; labels: readonly string[] }[] = [
  { field: 'startDate', labels: START_DATE_LABELS },
  { field: 'manager', labels: MANAGER_LABELS },
];

/** The Roster columns at the end of a header, in their order there (each at most once). */
function trailingRosterColumns(allLabels: string[]): { field: 'startDate' | 'manager'; label: string }[] {
  const found: { field: 'startDate' | 'manager'; label: string }[] = [];
  for (let at = allLabels.length - 1; at > 0 && found.length < ROSTER_COLUMNS.length; at--) {
    const label = allLabels[at] ?? '';
    const column = ROSTER_COLUMNS.find((c) => c.labels.includes(normalizeLabel(label)) && !found.some((f) => f.field === c.field));
    if (!column) break;
    found.unshift({ field: column.field, label: label.trim() });
  }
  return found;
}

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
  const extra = trailingRosterColumns(allLabels);
  const labels = allLabels.slice(0, allLabels.length - extra.length);
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
  for (const column of extra) columnLabels[column.field] = column.label;
  return {
    ok: true,
    map: {
      layout,
      headerRowNumber,
      headerLabels: allLabels,
      fields: [...fields, ...extra.map((column) => column.field)],
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
