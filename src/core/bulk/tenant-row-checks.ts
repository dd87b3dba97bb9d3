import type Database from 'better-sqlite3';
import { DuplicateUsernameTracker, duplicateUsernameProblem } from '../import/duplicate-usernames.js';
import { labelOf } from '../import/column-map.js';
import type { ImportColumnLabels, ImportRow } from '../import/types.js';
import { parseUsername, upnKey } from '../rules/username.js';
import { aliasRuleProblem } from '../users/username-availability.js';

/** The reason every row of a file already imported gets (DOMAIN.md: "duplicate username"). */
export const DUPLICATE_USERNAME = 'duplicate username';

export interface CheckedRow extends ImportRow {
  /** The parsed username when it is valid. */
  upn?: { alias: string; domain: string; userPrincipalName: string; key: string };
  /** Set when the username exists already; `importJobId` tells whether this job made it. */
  existing?: { id: string; importJobId: string | null };
  duplicateInFile: boolean;
}

/**
 * The checks of "Add many users" that need the organization: the domain is the tenant's, the
 * username is not repeated in the file, not taken, and the alias rule holds. Rows are checked in
 * batches with one query per batch, so a 100,000-row file costs a few hundred queries.
 */
export class TenantRowChecks {
  private readonly seen = new DuplicateUsernameTracker();
  private readonly existingStatement: Database.Statement;
  private readonly aliasStatement: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly tenant: { id: string; initialDomain: string; domains: readonly string[] },
    private readonly labels: ImportColumnLabels,
  ) {
    // json_each lets one prepared statement take a whole batch of keys.
    this.existingStatement = sqlite.prepare(
      `SELECT id, activeUpnKey AS key, importJobId FROM DirectoryUser
       WHERE tenantId = ? AND activeUpnKey IN (SELECT value FROM json_each(?))`,
    );
    this.aliasStatement = sqlite.prepare(
      `SELECT aliasKey AS alias, domain, userPrincipalName, MIN(createdAt) AS firstAt FROM DirectoryUser
       WHERE tenantId = ? AND aliasKey IN (SELECT value FROM json_each(?)) GROUP BY aliasKey`,
    );
  }

  /** Adds the tenant's problems to each row of the batch (in place) and returns the rows. */
  check(batch: readonly ImportRow[]): CheckedRow[] {
    const column = labelOf('userName', this.labels);
    const rows: CheckedRow[] = batch.map((row) => {
      const checked: CheckedRow = { ...row, problems: [...row.problems], duplicateInFile: false };
      const value = row.fields.userName;
      const parsed = value ? parseUsername(value) : undefined;
      if (!parsed?.ok) return checked;
      const { alias, domain, userPrincipalName } = parsed.username;
      checked.upn = { alias, domain, userPrincipalName, key: upnKey(userPrincipalName) };
      if (!this.tenant.domains.includes(domain)) {
        checked.problems.push({
          column,
          message: `The organization has no domain ${domain}. Use one of: ${this.tenant.domains.join(', ')}.`,
        });
      }
      const first = this.seen.see(userPrincipalName, row.rowNumber);
      if (first !== undefined) {
        checked.duplicateInFile = true;
        checked.problems.push(duplicateUsernameProblem(column, first));
      }
      return checked;
    });
    this.checkExisting(rows, column);
    return rows;
  }

  private checkExisting(rows: CheckedRow[], column: string): void {
    const candidates = rows.filter((row) => row.upn && !row.duplicateInFile);
    if (candidates.length === 0) return;
    const existing = new Map(
      (this.existingStatement.all(this.tenant.id, JSON.stringify(candidates.map((r) => r.upn!.key))) as { id: string; key: string; importJobId: string | null }[]).map(
        (row) => [row.key, row],
      ),
    );
    const firsts = new Map(
      (this.aliasStatement.all(this.tenant.id, JSON.stringify([...new Set(candidates.map((r) => r.upn!.alias.toLowerCase()))])) as {
        alias: string;
        domain: string;
        userPrincipalName: string;
      }[]).map((row) => [row.alias, row]),
    );
    for (const row of candidates) {
      const upn = row.upn!;
      const found = existing.get(upn.key);
      if (found) {
        row.existing = { id: found.id, importJobId: found.importJobId };
        row.problems.push({ column, message: `${DUPLICATE_USERNAME}: ${upn.userPrincipalName} already exists.` });
        continue;
      }
      const problem = aliasRuleProblem(this.tenant.initialDomain, upn, firsts.get(upn.alias.toLowerCase()) ?? null);
      if (problem) row.problems.push({ column, message: problem });
    }
  }
}
