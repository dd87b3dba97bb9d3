/*
 * How values cross into and out of SQL, in one place: SQLite has no boolean or date type, so
 * booleans are 0/1 and dates are ISO-8601 text with an explicit offset (the format Prisma used for
 * the rows already stored; it sorts as time does). PostgreSQL's columns are native (boolean,
 * timestamptz), and its driver (postgres-driver.ts) reads them back in these same forms, so the
 * store's code and its generated types are one for both.
 */

export type DbBool = number;

export function toDbBool(value: boolean): DbBool {
  return value ? 1 : 0;
}

export function fromDbBool(value: DbBool): boolean {
  return value !== 0;
}

export function toDbDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

export function fromDbDate(value: string): Date;
export function fromDbDate(value: string | null): Date | null;
export function fromDbDate(value: string | null): Date | null {
  if (value === null) return null;
  // Rows written by SQLite's CURRENT_TIMESTAMP default ("2026-01-02 03:04:05") are UTC without a zone.
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}

/** JSON text columns (lists of ids, settings): the store writes and reads them; the core checks what it reads with its schema. */
export function toDbJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSON column read back: its value, or null when the text is not JSON (a damaged row the core then refuses as it would a wrong shape). */
export function fromDbJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Text folded to lower case as SQL's lower() folds a column on both databases: ASCII letters only
 * (SQLite's lower(); PostgreSQL's over a COLLATE "C" column). Compare `lower(column)` with this, not
 * with `lower(parameter)`: PostgreSQL folds a parameter by the database's own collation, which may
 * fold "É" too, and the two sides would differ.
 */
export function foldAsSqlLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
