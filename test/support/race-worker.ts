/**
 * A second process acting on the same database, for race tests: started with `fork` (see
 * race-processes.ts), it opens the database, says `ready`, waits for `go`, then runs its operations
 * one after the other and sends back each outcome. Operations are core use cases, as the app or the
 * CLI would run them.
 */
import type { Actor } from '../../src/core/context.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';

export type RaceOperation = { op: 'block'; actor: Actor; username: string } | { op: 'delete'; actor: Actor; username: string };

const [url, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson ?? '[]') as RaceOperation[];
const runtime = await createRuntime({ databaseUrl: url ?? '', busyTimeoutMs: 30_000, logger: createLogger('error', () => undefined) });
const ctx = runtime.core;
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
await runtime.shutdown();
process.send?.({ outcomes }, () => process.exit(0));
