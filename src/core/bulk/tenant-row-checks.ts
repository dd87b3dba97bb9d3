import { DuplicateUsernameTracker, duplicateUsernameProblem } from '../import/duplicate-usernames.js';
import { labelOf, quoteValue } from '../import/column-map.js';
import { OWN_MANAGER } from '../users/manager-rules.js';
import type { ImportColumnLabels, ImportRow } from '../import/types.js';
import { parseUsername, upnKey } from '../rules/username.js';
import { aliasRuleProblem } from '../users/username-availability.js';
import type { Db } from '../../store/database.js';
import { activeUsersByUpnKeys, firstAccountsByAlias } from '../../store/directory-users.js';
import { scheduleSettings } from '../../store/tenant-settings.js';
import { isFieldError, parseStartDate } from '../schedules/onboarding.js';

/** Why a connected organization's import takes no manager (yet). */
export const MANAGERS_AFTER_TENANT_IMPORT =
  'An import into a connected Microsoft 365 organization does not set managers: remove the Manager column, and set them after the import with Edit many (or in the admin center).';

/** The reason every row of a file already imported gets (docs/domain.md: "duplicate username"). */
export const DUPLICATE_USERNAME = 'duplicate username';

/** Why a row whose username an active user holds is left out; a file that holds passwords is not quoted. */
export function duplicateUsernameMessage(userPrincipalName: string, options: { holdsPasswords: boolean }): string {
  return options.holdsPasswords ? `${DUPLICATE_USERNAME}: this username already exists.` : `${DUPLICATE_USERNAME}: ${userPrincipalName} already exists.`;
}

export interface CheckedRow extends ImportRow {
  /** The parsed username when it is valid. */
  upn?: { alias: string; domain: string; userPrincipalName: string; key: string };
  /** Set when the username belongs to an active user already. */
  existing?: { id: string };
  /** The manager's username (lower case) when the row names one that may be theirs. */
  managerKey?: string;
  duplicateInFile: boolean;
  /** A start date later than today (in the organization's zone): made blocked, started then. */
  startsOn?: { day: string; runAt: Date };
}

/**
 * The checks of "Add many users" that need the organization: the domain is the tenant's, the
 * username is not repeated in the file, not taken, and the alias rule holds. Rows are checked in
 * batches with one query per batch, so a 100,000-row file costs a few hundred queries.
 */
export class TenantRowChecks {
  private readonly seen = new DuplicateUsernameTracker();
  /** The usernames of the rows checked so far (lower case): a row may name one of them as manager. */
  private readonly above = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly tenant: { id: string; initialDomain: string; domains: readonly string[]; directory?: string },
    private readonly labels: ImportColumnLabels,
    /**
     * A file with a password column quotes no cell value: a shifted row may hold a password anywhere.
     * `now`: start dates are checked against today in the organization's zone (not past; today is now).
     */
    private readonly options: { holdsPasswords: boolean; now?: Date } = { holdsPasswords: false },
  ) {}

  private schedule: Promise<{ timeZone: string; hour: number }> | null = null;

  /** A row's start date: refused when past, dropped when today (the user starts now), else when it runs. */
  private async checkStartDates(rows: CheckedRow[]): Promise<void> {
    const now = this.options.now;
    const dated = rows.filter((row) => row.fields.startDate !== undefined && !row.problems.some((p) => p.column === labelOf('startDate', this.labels)));
    if (!now || dated.length === 0) return;
    this.schedule ??= scheduleSettings(this.db, this.tenant.id);
    const settings = await this.schedule;
    const column = labelOf('startDate', this.labels);
    for (const row of dated) {
      const start = parseStartDate(row.fields.startDate, settings, now, column);
      if (isFieldError(start)) row.problems.push({ column, message: start.message });
      else if (start) row.startsOn = start;
    }
  }

  /**
   * Adds the tenant's problems to each row of the batch and returns the rows. Rows in `ownRows`
   * (made by the job being resumed) are only remembered for the in-file duplicate check: their
   * account exists because this job made it.
   */
  async check(batch: readonly ImportRow[], ownRows: ReadonlySet<number> = new Set()): Promise<CheckedRow[]> {
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
          message: this.options.holdsPasswords
            ? `The username's domain is not one of the organization's. Use one of: ${this.tenant.domains.join(', ')}.`
            : `The organization has no domain ${domain}. Use one of: ${this.tenant.domains.join(', ')}.`,
        });
      }
      const first = this.seen.see(userPrincipalName, row.rowNumber);
      if (first !== undefined) {
        checked.duplicateInFile = true;
        checked.problems.push(duplicateUsernameProblem(column, first));
      }
      return checked;
    });
    await this.checkExisting(
      rows.filter((row) => !ownRows.has(row.rowNumber)),
      column,
    );
    await this.checkStartDates(rows.filter((row) => !ownRows.has(row.rowNumber)));
    await this.checkManagers(rows);
    return rows;
  }

  /**
   * The Manager column (docs/domain.md "Managers"): a username of an active user of the
   * organization, or of a row above (managers first, so the org chart never loops); not the row's
   * own user. A connected organization's managers are set after the import (Edit many).
   */
  private async checkManagers(rows: CheckedRow[]): Promise<void> {
    const column = labelOf('manager', this.labels);
    const lookUp: CheckedRow[] = [];
    for (const row of rows) {
      const value = row.fields.manager;
      if (value !== undefined) {
        const parsed = parseUsername(value);
        const quoted = this.options.holdsPasswords ? 'The value' : quoteValue(value);
        if (this.tenant.directory !== undefined && this.tenant.directory !== 'embedded') row.problems.push({ column, message: MANAGERS_AFTER_TENANT_IMPORT });
        else if (!parsed.ok) row.problems.push({ column, message: `${quoted} is not a username: write the manager's full username, such as ben@contoso.com.` });
        else {
          const key = upnKey(parsed.username.userPrincipalName);
          if (key === row.upn?.key) row.problems.push({ column, message: OWN_MANAGER });
          else {
            row.managerKey = key;
            if (!this.above.has(key)) lookUp.push(row);
          }
        }
      }
      if (row.upn) this.above.add(row.upn.key);
    }
    if (lookUp.length === 0) return;
    const found = new Set(
      (
        await activeUsersByUpnKeys(
          this.db,
          this.tenant.id,
          lookUp.map((r) => r.managerKey!),
        )
      ).map((user) => user.upnKey),
    );
    for (const row of lookUp) {
      if (found.has(row.managerKey!)) continue;
      const who = this.options.holdsPasswords ? 'The manager' : `Manager ${row.fields.manager}`;
      row.problems.push({
        column,
        message: `${who} not found: no user has this username here, and no row above makes one (list managers before their reports).`,
      });
      delete row.managerKey;
    }
  }

  private async checkExisting(rows: CheckedRow[], column: string): Promise<void> {
    const candidates = rows.filter((row) => row.upn && !row.duplicateInFile);
    if (candidates.length === 0) return;
    const existing = new Map(
      (
        await activeUsersByUpnKeys(
          this.db,
          this.tenant.id,
          candidates.map((r) => r.upn!.key),
        )
      ).map((row) => [row.upnKey, row]),
    );
    const firsts = await firstAccountsByAlias(this.db, this.tenant.id, [...new Set(candidates.map((r) => r.upn!.alias.toLowerCase()))]);
    for (const row of candidates) {
      const upn = row.upn!;
      const found = existing.get(upn.key);
      if (found) {
        row.existing = { id: found.id };
        row.problems.push({ column, message: duplicateUsernameMessage(upn.userPrincipalName, this.options) });
        continue;
      }
      const problem = aliasRuleProblem(this.tenant.initialDomain, upn, firsts.get(upn.alias.toLowerCase()) ?? null, {
        quoteValues: !this.options.holdsPasswords,
      });
      if (problem) row.problems.push({ column, message: problem });
    }
  }
}
