import type { Db } from './database.js';
import { runEach } from './database.js';
import { toDbDate } from './values.js';

/**
 * The mirror's sign-in activity (a connected tenant's signInActivity, read by the sync in its own
 * pass): each user's last sign-in, and when it was read, so that "never signed in" (read, no date)
 * is told apart from "not read" (signInReadAt null). Only these two columns: nothing else writes them.
 */

export interface MirroredSignIn {
  /** The user's object id in the tenant. */
  externalId: string;
  /** Their latest sign-in of any kind; null: none recorded (never signed in). */
  lastSignInAt: Date | null;
}

/** One page of sign-in activity, by object id (users Roster does not mirror are passed over); how many users it set. */
export async function setMirroredSignIns(db: Db, tenantId: string, signIns: readonly MirroredSignIn[], at: Date): Promise<number> {
  const readAt = toDbDate(at);
  const changed = await runEach(
    db,
    (row) =>
      db
        .updateTable('DirectoryUser')
        .set({ lastSignInAt: row.lastSignInAt, signInReadAt: row.signInReadAt })
        .where('tenantId', '=', row.tenantId)
        .where('externalId', '=', row.externalId),
    signIns.map((s) => ({
      lastSignInAt: s.lastSignInAt ? toDbDate(s.lastSignInAt) : null,
      signInReadAt: readAt,
      tenantId,
      externalId: s.externalId,
    })),
  );
  return changed.reduce((sum, n) => sum + n, 0);
}
