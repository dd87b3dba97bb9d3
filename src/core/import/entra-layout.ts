/**
 * Entra's bulk-create template (docs/domain.md "Add many users from a CSV"): line 1 `version:v1.0`,
 * line 2 headers like `Name [displayName] Required`; the property in brackets names the column, the
 * order is free and unknown columns are ignored. Line 3 is often Microsoft's example row.
 */
import type { ColumnMap } from './column-map.js';
import type { ImportColumnLabels, ImportFieldName, ImportUserFields } from './types.js';

/** Entra property (lower-cased) → Roster field. */
const ENTRA_PROPERTIES: Record<string, ImportFieldName> = {
  displayname: 'displayName',
  userprincipalname: 'userName',
  passwordprofile: 'initialPassword',
  accountenabled: 'blockSignIn',
  givenname: 'firstName',
  surname: 'lastName',
  jobtitle: 'jobTitle',
  department: 'department',
  usagelocation: 'usageLocation',
  streetaddress: 'address',
  state: 'state',
  country: 'country',
  physicaldeliveryofficename: 'officeNumber',
  city: 'city',
  postalcode: 'postalCode',
  telephonenumber: 'officePhone',
  mobile: 'mobilePhone',
  facsimiletelephonenumber: 'fax',
  othermails: 'alternateEmail',
  // Roster's own: the optional start date (docs/domain.md "Scheduled onboarding").
  startdate: 'startDate',
};

/** The template's own header row (2024), in its order. */
export const ENTRA_TEMPLATE_HEADERS: readonly string[] = [
  'Name [displayName] Required',
  'User name [userPrincipalName] Required',
  'Initial password [passwordProfile] Required',
  'Block sign in (Yes/No) [accountEnabled] Required',
  'First name [givenName]',
  'Last name [surname]',
  'Job title [jobTitle]',
  'Department [department]',
  'Usage location [usageLocation]',
  'Street address [streetAddress]',
  'State or province [state]',
  'Country or region [country]',
  'Office [physicalDeliveryOfficeName]',
  'City [city]',
  'ZIP or postal code [postalCode]',
  'Office phone [telephoneNumber]',
  'Mobile phone [mobile]',
];

const REQUIRED: readonly { property: string; label: string }[] = [
  { property: 'displayName', label: 'Name [displayName] Required' },
  { property: 'userPrincipalName', label: 'User name [userPrincipalName] Required' },
];

/** The `[property]` a header label names, as written. */
export function bracketedProperty(label: string): string | undefined {
  return /\[\s*([A-Za-z][A-Za-z0-9]*)\s*\]/.exec(label)?.[1];
}

/** `version:v1.0` → "v1.0"; undefined when the cell is not a version line. */
export function entraVersion(firstCell: string): string | undefined {
  const match = /^\s*version\s*:\s*(\S*)\s*$/i.exec(firstCell);
  return match ? (match[1] ?? '') : undefined;
}

export type EntraHeaderResult = { ok: true; map: ColumnMap } | { ok: false; message: string };

export function matchEntraHeader(labels: string[], headerRowNumber: number): EntraHeaderResult {
  const fields: (ImportFieldName | undefined)[] = [];
  const columnLabels: ImportColumnLabels = {};
  const seen = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] ?? '';
    const property = bracketedProperty(label);
    const field = property === undefined ? undefined : ENTRA_PROPERTIES[property.toLowerCase()];
    if (property !== undefined && field !== undefined) {
      const earlier = seen.get(property.toLowerCase());
      if (earlier !== undefined) {
        return { ok: false, message: `Columns ${earlier + 1} and ${i + 1} both hold [${property}]: keep one of them.` };
      }
      seen.set(property.toLowerCase(), i);
      columnLabels[field] = label;
    }
    fields.push(field);
  }
  if (seen.size === 0) {
    return {
      ok: false,
      message: `Row ${headerRowNumber} should hold the Entra template's column headers, such as 'Name [displayName] Required': keep the template's first two rows as they are.`,
    };
  }
  for (const required of REQUIRED) {
    if (!seen.has(required.property.toLowerCase())) {
      return {
        ok: false,
        message: `The Entra template's header row has no [${required.property}] column: add the column '${required.label}' (columns are found by the name in brackets).`,
      };
    }
  }
  return {
    ok: true,
    map: { layout: 'entra-v1', headerRowNumber, headerLabels: labels, fields, columnLabels, strictColumnCount: false, countSource: 'the header row' },
  };
}

/** The values of Microsoft's example row in the template ("Chris Green, chris@contoso.com, ..."). */
const EXAMPLE_VALUES: Partial<Record<ImportFieldName, readonly string[]>> = {
  displayName: ['chris green'],
  firstName: ['chris'],
  lastName: ['green'],
  jobTitle: ['it manager'],
  department: ['information technology'],
};
const EXAMPLE_DOMAINS = ['contoso.com', 'contoso.onmicrosoft.com'];

/**
 * Microsoft's example row: a username at contoso.com (or contoso.onmicrosoft.com) together with
 * at least two of the template's sample values (the alias "chris" counts as one).
 */
export function isEntraExampleRow(fields: ImportUserFields): boolean {
  const [alias, domain] = (fields.userName ?? '').toLowerCase().split('@');
  if (domain === undefined || !EXAMPLE_DOMAINS.includes(domain)) return false;
  let matches = alias === 'chris' ? 1 : 0;
  for (const [field, samples] of Object.entries(EXAMPLE_VALUES) as [ImportFieldName, readonly string[]][]) {
    const value = fields[field];
    if (typeof value === 'string' && samples.includes(value.toLowerCase())) matches++;
  }
  return matches >= 2;
}
