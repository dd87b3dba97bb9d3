/**
 * Writes realistic import files of any size, streaming (for benchmarks, tests and demos).
 * Values are deterministic: the same options always give the same bytes.
 */
import { open } from 'node:fs/promises';
import { adminCenterHeaderLine } from '../../src/core/import/admin-center-layout.js';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/entra-layout.js';
import { encodeText } from '../../src/core/import/text-encoding.js';
import type { ImportDelimiter, ImportEncoding, ImportLayout } from '../../src/core/import/types.js';

export interface SampleImportFileOptions {
  layout?: ImportLayout;
  encoding?: ImportEncoding;
  delimiter?: ImportDelimiter;
  lineEnding?: '\r\n' | '\n';
  /** Domain of the usernames (default contoso.com). */
  domain?: string;
  /** Every n-th user repeats the previous user's username (for duplicate detection). */
  duplicateEvery?: number;
  /** Every n-th user gets a username with a space in it (a row problem). */
  invalidEvery?: number;
  /** Entra layout: put Microsoft's example row on row 3. */
  exampleRow?: boolean;
}

const FIRST = ['Zoë', 'José', 'Chloé', 'Jürgen', 'Renée', 'Søren', 'François', 'Ana', 'Bram', 'Fatima', 'Hiroshi', 'Ngozi', 'Priya', 'Sven', 'Amélie', 'Omar'];
const LAST = ['Müller', 'García', "O'Brien", 'Dubois', 'Jansen', 'de Vries', 'Nakamura', 'Okafor', 'Sharma', 'Larsen', 'Smith', 'Novák', 'Rossi', 'Haddad'];
const JOBS = ['Accountant', 'Sales Manager', 'Software Engineer', 'Designer', 'Nurse', 'Warehouse Lead', 'Recruiter'];
const DEPARTMENTS = ['Finance', 'Sales', 'Engineering', 'Design', 'Care', 'Logistics', 'People'];
const PLACES = [
  { city: 'Amsterdam', state: 'Noord-Holland', postalCode: '1012 AB', country: 'Netherlands', usageLocation: 'NL' },
  { city: 'Redmond', state: 'WA', postalCode: '98052', country: 'United States', usageLocation: 'US' },
  { city: 'München', state: 'Bayern', postalCode: '80331', country: 'Deutschland', usageLocation: 'DE' },
  { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', postalCode: '69002', country: 'France', usageLocation: 'FR' },
];

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;
const ascii = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();

/** One CSV line with proper quoting: a value holding the separator, a quote or a line break is quoted. */
export function formatCsvLine(values: readonly (string | undefined)[], delimiter: ImportDelimiter = ','): string {
  return values
    .map((value = '') => (value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value))
    .join(delimiter);
}

/** The n-th sample user's username (0-based). */
export function sampleUserName(index: number, domain = 'contoso.com'): string {
  return `${ascii(pick(FIRST, index))}.${ascii(pick(LAST, index * 5 + 3))}.${index + 1}@${domain}`;
}

function userValues(index: number, options: SampleImportFileOptions): string[] {
  const domain = options.domain ?? 'contoso.com';
  const first = pick(FIRST, index);
  const last = pick(LAST, index * 5 + 3);
  const place = pick(PLACES, index * 3);
  let userName = sampleUserName(index, domain);
  if (options.duplicateEvery && index > 0 && index % options.duplicateEvery === 0) userName = sampleUserName(index - 1, domain).toUpperCase();
  if (options.invalidEvery && index % options.invalidEvery === options.invalidEvery - 1) userName = `bad name ${index + 1}@${domain}`;
  const phone = (prefix: number) => `+1 425 ${prefix} ${String(index % 10_000).padStart(4, '0')}`;
  const street = `${(index % 900) + 1} Main Street, Suite ${(index % 40) + 1}`;
  const common = {
    userName,
    first,
    last,
    display: `${first} ${last}`,
    job: pick(JOBS, index),
    department: pick(DEPARTMENTS, index * 5),
    office: `B${(index % 12) + 1}-${(index % 300) + 100}`,
  };
  if (options.layout === 'entra-v1') {
    return [
      common.display,
      common.userName,
      `Welcome-${index + 1}!Aa`,
      index % 10 === 9 ? 'Yes' : 'No',
      common.first,
      common.last,
      common.job,
      common.department,
      place.usageLocation,
      street,
      place.state,
      place.country,
      common.office,
      place.city,
      place.postalCode,
      phone(555),
      phone(556),
    ];
  }
  const values = [
    common.userName,
    common.first,
    common.last,
    common.display,
    common.job,
    common.department,
    common.office,
    phone(555),
    phone(556),
    index % 4 === 0 ? phone(557) : '',
    index % 3 === 0 ? `${ascii(first)}.${index + 1}@example.net` : '',
    street,
    place.city,
    place.state,
    place.postalCode,
    place.country,
  ];
  if (options.layout === 'admin-center-2020') values.splice(10, 1);
  return values;
}

const ENTRA_EXAMPLE_ROW = [
  'Chris Green',
  'chris@contoso.com',
  'Example-Password-Only!1',
  'No',
  'Chris',
  'Green',
  'IT Manager',
  'Information Technology',
  'US',
  '1 Microsoft Way',
  'WA',
  'United States',
  'Tech Center',
  'Redmond',
  '98052',
  '123-555-1211',
  '123-555-6641',
];

/**
 * Writes a file of `rows` users in the given layout and encoding (default: admin center 2024,
 * UTF-8, comma, CRLF like Excel), a batch at a time so memory stays flat.
 */
export async function writeSampleImportFile(
  path: string,
  rows: number,
  options: SampleImportFileOptions = {},
): Promise<{ path: string; rows: number; bytes: number }> {
  const layout = options.layout ?? 'admin-center-2024';
  const encoding = options.encoding ?? 'utf-8';
  const delimiter = options.delimiter ?? ',';
  const eol = options.lineEnding ?? '\r\n';
  const handle = await open(path, 'w');
  let bytes = 0;
  const write = async (text: string, first: boolean) => {
    const buffer = encodeText(text, encoding, first && encoding !== 'utf-8' && encoding !== 'windows-1252');
    await handle.write(buffer);
    bytes += buffer.length;
  };
  try {
    const head: string[] =
      layout === 'entra-v1'
        ? ['version:v1.0', formatCsvLine(ENTRA_TEMPLATE_HEADERS, delimiter), ...(options.exampleRow ? [formatCsvLine(ENTRA_EXAMPLE_ROW, delimiter)] : [])]
        : [formatCsvLine(adminCenterHeaderLine(layout), delimiter)];
    await write(head.join(eol) + eol, true);
    const batch: string[] = [];
    for (let index = 0; index < rows; index++) {
      batch.push(formatCsvLine(userValues(index, { ...options, layout }), delimiter));
      if (batch.length === 1000 || index === rows - 1) {
        await write(batch.join(eol) + eol, false);
        batch.length = 0;
      }
    }
  } finally {
    await handle.close();
  }
  return { path, rows, bytes };
}
