import type { Product } from '../catalogue/catalogue.js';
import type { Actor } from '../context.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import type { ImportResults } from './import-results.js';
import type { ImportEncoding, ImportDelimiter, ImportLayout, SkippedExampleRow } from '../import/types.js';

export type { ImportResultRow, ImportRowStatus } from './import-results.js';

/** What the admin chooses after the preview (docs/domain.md "Add many users from a CSV", wizard). */
export interface ImportSettings {
  signInAllowed: boolean;
  /** ISO 3166-1 alpha-2, one for the whole file; required with a license. */
  usageLocation: string | null;
  /** The products every user gets, each with its own apps turned off; none: users without a license. */
  licenses: LicenseChoice[];
  /**
   * With fewer seats than rows, per product (docs/domain.md "Add many users from a CSV"):
   * `licensed_only` makes a user only while every product has a seat for them (as the admin
   * center does); `create_unlicensed` makes the rest too, with the products that still have seats.
   */
  whenSeatsRunOut: 'licensed_only' | 'create_unlicensed';
  /** Slack members who receive the results, besides the requester (up to 5). */
  recipients: string[];
  /** The users are synchronized from on-premises Active Directory: they are made with source "synced". */
  synced?: boolean;
  /** Who started the import (set when it starts): the actor of the starts its rows with a later start date schedule. */
  startedBy?: Actor;
  /** The users of an import made in the Add several users form (it has no file): kept with it, so a run or a resumed run makes them. */
  formRows?: FormRow[];
}

/** One user of the Add several users form, as checked: a row of an import without a file. */
export interface FormRow {
  /** Its place in the form, from 1 (results and problems name it "row N"). */
  rowNumber: number;
  userName: string;
  firstName?: string;
  lastName?: string;
  displayName: string;
  /** This user's products (the form picks one or none). */
  licenses: LicenseChoice[];
}

export interface PreviewProblem {
  rowNumber: number;
  column: string;
  message: string;
}

export interface ImportPreview {
  jobId: string | null;
  fileName: string;
  layout: ImportLayout;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  rowsRead: number;
  rowsReady: number;
  rowsWithProblems: number;
  duplicatesInFile: number;
  existingUsernames: number;
  /** Seats of each product the organization has, to weigh against rowsReady. */
  seats: { product: Product; total: number; available: number }[];
  /** Whether the admin who asked may buy licenses (Global or Billing admin) here: the preview then offers to buy what is short. */
  mayBuyLicenses: boolean;
  /** A connected tenant: seats are bought in the Microsoft 365 admin center (never through Roster), and the preview says so. */
  buyInAdminCenter?: boolean;
  /** The first problems, in file order. */
  firstProblems: PreviewProblem[];
  problemCount: number;
  /** Every problem as a CSV (row, column, username, problem), UTF-8 with BOM; null when there is none. */
  problemsCsv: Buffer | null;
  /** Entra's example row when the reader skipped it (which row, and why); null otherwise. */
  skippedExampleRow: SkippedExampleRow | null;
}

export interface ImportProgress {
  done: number;
  total: number;
  created: number;
}

export interface ImportOutcome {
  jobId: string;
  /**
   * `interrupted`: the file's reader stopped under the run (not a verdict on the file); the job is
   * interrupted, to be resumed, and `failure` says why. Its users' passwords are not delivered:
   * Resume issues them again, as after a restart.
   */
  /** `stopped`: its runner stopped it between batches (a shutdown): the import stays running, and its job goes on elsewhere. */
  status: 'completed' | 'failed' | 'interrupted' | 'stopped';
  rowsRead: number;
  created: number;
  createdWithoutLicense: number;
  /** Of `created`, users made without some of the products chosen (none was left of those). */
  createdWithoutSomeProducts: number;
  skipped: number;
  /** Reason → count, for the summary. */
  skippedByReason: Record<string, number>;
  /** Every row in file order (iterate it, or `toArray()`). */
  results: ImportResults;
  /** Rows made before an interruption whose passwords were issued again by this run. */
  reissuedPasswords: number;
  /** The users are synced: they sign in with their on-premises password, and the results hold none. */
  passwordsOnPremises: boolean;
  failure?: string;
}
