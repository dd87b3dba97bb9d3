import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import type { AuditEntry } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import type { NewDirectoryUser } from '../../store/directory-users.js';
import type { CoreContext } from '../context.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import type { ImportTenant } from './import-tenant.js';
import type { ImportOutcome, ImportResultRow, ImportSettings } from './import-types.js';
import type { CheckedRow } from './tenant-row-checks.js';

/** What one batch of an import works on (run-import.ts), and what its tenant form (import-to-tenant.ts) asks of the run. */

export interface Pending {
  row: CheckedRow;
  user: NewDirectoryUser;
  /** Null for a synced user: they sign in with their on-premises password. */
  password: string | null;
}

/** A user this import made before an interruption: their row, and a new password to issue. */
export type Reissue = Pending & { userId: string };

/** Another process took the import over: this run stops. */
export class OwnershipLost extends Error {}

/** The connected tenant gave no answer about some of a batch's users (unreachable, throttling): the run is interrupted, to be resumed. */
export class TenantUnanswered extends Error {}

/** The run a batch belongs to. */
export interface ImportBatchHost {
  readonly ctx: CoreContext;
  readonly job: { id: string; requestedBy: string; fileName: string };
  readonly settings: ImportSettings;
  readonly tenant: ImportTenant;
  readonly outcome: ImportOutcome;
  /** Makes the batch's new users through `directory` (seats shared per product); their result rows. */
  create(tx: Db, pending: Pending[], now: Date, directory?: DirectoryProvider): Promise<ImportResultRow[]>;
  /** The end of the batch's transaction: reissued passwords audited, rows of users made before, counts saved. */
  keep(tx: Db, made: ImportResultRow[], reissued: readonly Reissue[], reissue: readonly Reissue[], now: Date): Promise<ImportResultRow[]>;
  skip(row: CheckedRow, reason: string, key: string): void;
  importAudit(item: Pending, userId: string, given: readonly { skuId: string }[]): AuditEntry;
  /** Queues the start of a user made with a later start date (in the transaction that keeps them). */
  queueStartOf(tx: Db, item: Pending, userId: string, startsOn: { day: string; runAt: Date }, licenses: readonly LicenseChoice[]): Promise<void>;
}
