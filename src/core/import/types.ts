/**
 * The shapes of "Add many users from a CSV", file-reading half (docs/domain.md "Add many users from a CSV").
 * Pure data: no database, no Slack.
 */
import type { ErrorCode } from '../result.js';

export type ImportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type ImportDelimiter = ',' | ';' | '\t';
export type ImportLayout = 'admin-center-2024' | 'admin-center-2020' | 'entra-v1';

/** One user's values as read from a row: trimmed; empty or whitespace-only values are undefined. */
export interface ImportUserFields {
  userName: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  displayName: string | undefined;
  jobTitle: string | undefined;
  department: string | undefined;
  officeNumber: string | undefined;
  officePhone: string | undefined;
  mobilePhone: string | undefined;
  fax: string | undefined;
  alternateEmail: string | undefined;
  address: string | undefined;
  city: string | undefined;
  state: string | undefined;
  postalCode: string | undefined;
  country: string | undefined;
  /** Entra template only. Never shown in a message. */
  initialPassword?: string;
  /** Entra template only: "Block sign in (Yes/No)". */
  blockSignIn?: boolean;
  /** Entra template only: the ISO 3166-1 alpha-2 code (normalized when valid). */
  usageLocation?: string;
  /**
   * The optional `Start date` column (any layout): the first day, as YYYY-MM-DD once read. A later
   * day than today makes the user blocked until then (docs/domain.md "Scheduled onboarding").
   */
  startDate?: string;
  /** Admin-center layouts with Roster's optional last column "Manager": the manager's username. */
  manager?: string;
}

export type ImportFieldName = keyof ImportUserFields;

/** The label of each field as the admin sees it in the file (or the template's English label). */
export type ImportColumnLabels = Partial<Record<ImportFieldName, string>>;

/** Names the column at fault as the file labels it; `WHOLE_ROW` when the row as a whole is at fault. */
export interface RowProblem {
  column: string;
  message: string;
}

export const WHOLE_ROW = '';

export interface ImportRow {
  /** The row number Excel shows: admin-center header is row 1; Entra's version line is row 1, headers row 2. */
  rowNumber: number;
  fields: ImportUserFields;
  problems: RowProblem[];
  /**
   * The products of this user alone, each with its apps turned off (the Add several users form
   * chooses one per row); absent: the import's own products. A file's rows have none.
   */
  licenses?: readonly { skuId: string; disabledPlans: readonly string[] }[];
}

export interface ImportLimits {
  /** Most user rows read from one file (default 50,000). */
  maxRows?: number;
  /** Largest file read, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Most blank rows (empty, or only separators and spaces) in one file (default 10,000). */
  maxBlankLines?: number;
  /** Most cells in one row, empty ones included (default 1,000). */
  maxColumns?: number;
}

export const DEFAULT_IMPORT_LIMITS = { maxRows: 50_000, maxBytes: 20 * 1024 * 1024, maxBlankLines: 10_000, maxColumns: 1_000 } as const;

/** How a file is read, beyond its limits. */
export interface ImportReadOptions {
  /**
   * The organization's domains. A first row with Microsoft's example values (Chris Green at
   * contoso.com) is skipped as the template's example only when its domain is not one of these.
   */
  organizationDomains?: readonly string[];
  /**
   * Called when the file's check or row stream has to wait for a reader (every import worker is
   * busy), so a person can be told why it takes a moment. Stays on the main thread.
   */
  onWaiting?: () => void;
}

export interface SkippedExampleRow {
  rowNumber: number;
  /** "Row 3 was skipped: it is Microsoft's example row …", for previews. */
  reason: string;
}

export interface ImportFile {
  path: string;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  layout: ImportLayout;
  /** The header row's labels, trimmed, as written in the file. */
  headerLabels: string[];
  /** Field → the label the file gives its column (problems name columns by it). */
  columnLabels: ImportColumnLabels;
  sizeBytes: number;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  /** User rows in the file (blank lines and Entra's example row not counted). */
  userRowCount: number;
  /** The row number of Entra's example row when the file holds it (it is skipped). */
  exampleRowNumber: number | undefined;
  /** Entra's example row, when it was skipped: which row, and why, in words for the preview. */
  skippedExampleRow: SkippedExampleRow | undefined;
  /** The file has a password column: no problem message quotes any of its values (see SECURITY.md). */
  holdsPasswords: boolean;
  /**
   * Streams the user rows from disk, validated (tenant-agnostic). Each call reads the file again;
   * the result may itself be iterated more than once. Throws `ImportFileChangedError` when the
   * file on disk no longer matches what `openImportFile` checked, and `ImportReaderStoppedError`
   * when the worker reading it stopped (it ran out of memory, or crashed).
   */
  rows(): AsyncIterable<ImportRow>;
}

export type ImportFileFailureCode = Extract<ErrorCode, 'invalid_input' | 'limit_exceeded'>;

export type ImportFileResult =
  | { ok: true; file: ImportFile }
  /** `readerStopped`: the reader's worker stopped under the check (see ImportReaderStoppedError): no verdict on the file. */
  | { ok: false; code: ImportFileFailureCode; message: string; readerStopped?: true };
