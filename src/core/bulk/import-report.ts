import { csvDocument } from './csv-out.js';
import type { ImportOutcome, ImportRowStatus } from './import-types.js';

const STATUS_WORDS: Record<ImportRowStatus, string> = {
  created: 'Created',
  created_without_license: 'Created without license',
  skipped: 'Not created',
};

/** What the password column says of a synced user (docs/domain.md "Users synchronized"). */
export const PASSWORD_ON_PREMISES = 'password managed on premises';

/** The results file: every row with its outcome; the only file that carries temporary passwords. */
export function importResultsCsv(outcome: ImportOutcome): Promise<Buffer> {
  return csvDocument(['Row', 'User Name', 'Display Name', 'Temporary password', 'Status', 'Licenses', 'Reason'], resultCells(outcome));
}

function* resultCells(outcome: ImportOutcome) {
  for (const r of outcome.results) {
    const password = r.temporaryPassword ?? (outcome.passwordsOnPremises && r.status !== 'skipped' ? PASSWORD_ON_PREMISES : '');
    yield [r.rowNumber, r.userName, r.displayName, password, STATUS_WORDS[r.status], (r.licenses ?? []).join('; '), r.reason];
  }
}

/** One line of counts, e.g. "48 created, 2 created without a license, 3 not created (2 duplicate username, 1 problems in the row)". */
export function importSummaryText(outcome: ImportOutcome): string {
  const some = outcome.createdWithoutSomeProducts;
  const parts = [`${outcome.created} created${some ? ` (${some} of them without every product: none left)` : ''}`];
  if (outcome.createdWithoutLicense) parts.push(`${outcome.createdWithoutLicense} created without a license`);
  const reasons = Object.entries(outcome.skippedByReason).map(([reason, count]) => `${count} ${reason}`);
  parts.push(`${outcome.skipped} not created${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  return parts.join(', ');
}
