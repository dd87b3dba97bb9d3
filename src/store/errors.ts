/*
 * The errors the store raises for the core to act on, in the domain's words: the core never sees a
 * driver's error codes or messages. The dialect (sqlite-driver.ts) turns the driver's constraint
 * errors into these, in one place; a Postgres store would do the same in its own.
 */

/** The uniqueness rules of the domain that a write can break when two writers race. */
export type UniqueConstraint =
  /** An active user's username (lower case) in an organization. */
  | 'username'
  /** A Slack member linked to an active user of an organization. */
  | 'slack_member'
  /** One organization per Slack workspace. */
  | 'workspace'
  /** A custom view's name (any case) in an organization. */
  | 'view_name'
  /** A domain's name in an organization. */
  | 'domain'
  /** A subscription's purchase request (the idempotency key of a purchase). */
  | 'subscription_request'
  /** One import per Slack file in an organization. */
  | 'import_file'
  /** A job's key (enqueueing is idempotent). */
  | 'job_key'
  /** Any other unique index (a primary key). */
  | 'other';

/** A write broke a uniqueness rule: someone else wrote the same value a moment ago. */
export class UniqueViolation extends Error {
  constructor(
    readonly constraint: UniqueConstraint,
    /** Where, as the database said it (table and columns): for logs, never for decisions. */
    readonly where: string,
  ) {
    super(`unique violation (${constraint}) on ${where}`);
    this.name = 'UniqueViolation';
  }
}

/** Not enough free seats of a product for a write that takes them. */
export class SeatsExhausted extends Error {
  constructor(
    readonly skuId: string,
    readonly wanted: number,
    readonly pool: { total: number; assigned: number } | null,
  ) {
    super(`not enough seats of ${skuId}: ${wanted} wanted`);
    this.name = 'SeatsExhausted';
  }
}

/** Which rule a unique index on these columns of this table keeps (the columns as the schema names them). */
export function uniqueConstraintOn(table: string, columns: readonly string[]): UniqueConstraint {
  const on = (name: string) => columns.includes(name);
  if (table === 'DirectoryUser' && on('upnKey')) return 'username';
  if (table === 'DirectoryUser' && on('slackUserId')) return 'slack_member';
  if (table === 'Tenant' && on('slackTeamId')) return 'workspace';
  if (table === 'CustomView' && on('nameKey')) return 'view_name';
  if (table === 'Domain' && on('name')) return 'domain';
  if (table === 'Subscription' && on('requestKey')) return 'subscription_request';
  if (table === 'ImportJob' && on('fileId')) return 'import_file';
  if (table === 'Job' && on('key')) return 'job_key';
  return 'other';
}
