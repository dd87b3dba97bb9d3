/**
 * A second process acting on the same database, for race tests: started with `fork` (see
 * race-processes.ts), it opens the database, says `ready`, waits for `go`, then runs its operations
 * one after the other and sends back each outcome. Operations are core use cases, as the app or the
 * CLI would run them.
 */
import type { Actor } from '../../src/core/context.js';
import { newInstanceId } from '../../src/core/bulk/import-ownership.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { openDatabase } from '../../src/db/open-database.js';

export type RaceOperation = { op: 'block'; actor: Actor; username: string } | { op: 'delete'; actor: Actor; username: string };

const [url, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson ?? '[]') as RaceOperation[];
const opened = await openDatabase(url ?? '', { busyTimeoutMs: 30_000 });
const ctx = { db: opened.db, now: () => new Date(), instanceId: newInstanceId() };
process.send?.('ready');
await new Promise<void>((resolve) => process.once('message', () => resolve()));
const outcomes: boolean[] = [];
for (const step of plan) {
  if (step.op === 'block') outcomes.push((await blockUser(ctx, step.actor, { username: step.username })).ok);
  else {
    const done = await deleteUsers(ctx, step.actor, { usernames: [step.username] });
    outcomes.push(done.ok && done.deleted.length === 1);
  }
}
await opened.close();
process.send?.({ outcomes }, () => process.exit(0));
