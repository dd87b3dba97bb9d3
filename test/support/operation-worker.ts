/**
 * A Roster process for concurrency tests (started by operation-processes.ts): it opens the
 * database given on its command line, says `ready`, then, for each plan it is sent, waits for `go`
 * and runs the plan's operations one after the other, as the app or the command line would (core
 * use cases, jobs run here), and sends back each outcome. Outcomes are `ok…`, `refused:<code>:<fields>`
 * (a refusal a person would read) or `error:<message>` (anything thrown: a bug under concurrency).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runImport, startImport, verifyImport } from '../../src/core/bulk/index.js';
import type { MemberActor } from '../../src/core/context.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { setUserLicenses } from '../../src/core/licenses/set-user-licenses.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import type { CoreError, Result } from '../../src/core/result.js';
import { addUser } from '../../src/core/users/add-user.js';
import { blockUser, unblockUser } from '../../src/core/users/block-user.js';
import { BULK_ACTION_JOB, queueBulkAction, runBulkActionJob } from '../../src/core/users/bulk-action-job.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { activeUserByUpn } from '../../src/store/directory-users.js';
import { tenantByTeam } from '../../src/store/organizations.js';

/** Products by part number; users by alias (their domain is the organization's initial one). */
export type Operation =
  | { op: 'assign' | 'unassign'; actor: MemberActor; product: string; user: string }
  | { op: 'setLicenses'; actor: MemberActor; user: string; products: string[] }
  | { op: 'delete' | 'restore' | 'block' | 'unblock'; actor: MemberActor; user: string }
  | { op: 'add'; actor: MemberActor; alias: string; products: string[] }
  | { op: 'buy'; actor: MemberActor; product: string; quantity: number; requestKey: string }
  | { op: 'quantity'; actor: MemberActor; product: string; quantity: number }
  | { op: 'editMany'; actor: MemberActor; users: string[]; mode: 'add' | 'replace'; products: string[] }
  | { op: 'bulk'; actor: MemberActor; action: 'delete' | 'restore' | 'block'; users: string[] }
  | { op: 'import'; actor: MemberActor; rows: string[]; products: string[] };

export type WorkerMessage = { plan: Operation[]; domain: string } | 'go' | 'exit';

const [url] = process.argv.slice(2);
const runtime = await createRuntime({ databaseUrl: url ?? '', busyTimeoutMs: 30_000, logger: createLogger('error', () => undefined) });
const ctx = runtime.core;
const files = mkdtempSync(path.join(tmpdir(), 'roster-operations-'));
let imports = 0;
/** The admin center's 16 columns (2024). */
const ADMIN_CENTER_HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

const choices = (products: string[]) => products.map((skuId) => ({ skuId, disabledPlans: [] }));
const outcome = (result: Result<unknown> | CoreError): string =>
  result.ok ? 'ok' : `refused:${result.code}:${(result.fields ?? []).map((field) => field.field).join(',')}`;

async function run(step: Operation, domain: string): Promise<string> {
  const upn = (alias: string) => `${alias}@${domain}`;
  switch (step.op) {
    case 'assign':
    case 'unassign': {
      const change = step.op === 'assign' ? assignProduct : unassignProduct;
      const done = await change(ctx, step.actor, { product: step.product, users: { usernames: [upn(step.user)] } });
      return done.ok ? `ok:${done.done.length}` : outcome(done);
    }
    case 'setLicenses': {
      const tenant = await tenantByTeam(ctx.db, step.actor.teamId);
      const user = tenant ? await activeUserByUpn(ctx.db, tenant.id, upn(step.user)) : null;
      if (!user) return 'refused:not_found:';
      return outcome(await setUserLicenses(ctx, step.actor, user.id, choices(step.products)));
    }
    case 'delete': {
      const done = await deleteUsers(ctx, step.actor, { usernames: [upn(step.user)] });
      return done.ok ? `ok:${done.deleted.length}` : outcome(done);
    }
    case 'restore':
      return outcome(await restoreUser(ctx, step.actor, { user: upn(step.user) }));
    case 'block':
      return outcome(await blockUser(ctx, step.actor, { username: upn(step.user) }));
    case 'unblock':
      return outcome(await unblockUser(ctx, step.actor, { username: upn(step.user) }));
    case 'add':
      return outcome(
        await addUser(ctx, step.actor, {
          displayName: `${step.alias} Added`,
          alias: step.alias,
          domain,
          password: { mode: 'auto' },
          usageLocation: 'NL',
          licenses: choices(step.products),
        }),
      );
    case 'buy': {
      const bought = await buyLicenses(ctx, step.actor, { product: step.product, quantity: step.quantity, requestKey: step.requestKey });
      return bought.ok ? (bought.alreadyBought ? 'ok:duplicate' : 'ok:bought') : outcome(bought);
    }
    case 'quantity':
      return outcome(await changeQuantity(ctx, step.actor, { product: step.product, quantity: step.quantity }));
    case 'editMany':
      return outcome(await editManyUsers(ctx, step.actor, { usernames: step.users.map(upn), licenses: { mode: step.mode, products: choices(step.products) } }));
    case 'bulk': {
      const queued = await queueBulkAction(ctx, step.actor, { action: step.action, users: { usernames: step.users.map(upn) } }, { queue: 'app' });
      if (!queued.ok) return outcome(queued);
      const ended = await runtime.jobs.runNow(queued.jobId);
      // Failed at once: a PermanentJobFailure (its actor lost the permission meanwhile), said to them.
      // Queued again: the attempt threw, which nothing here should.
      if (ended.status === 'succeeded') return 'ok';
      return ended.status === 'failed' ? 'refused:job_failed:' : `error:bulk ${step.action} ended ${ended.status}: ${ended.error}`;
    }
    case 'import': {
      const file = path.join(files, `import-${++imports}.csv`);
      writeFileSync(file, [ADMIN_CENTER_HEADER, ...step.rows.map((alias) => `${upn(alias)},${alias},Imported,${alias} Imported,,,,,,,,,,,,`)].join('\r\n'));
      const verified = await verifyImport(ctx, step.actor, { path: file, fileName: 'people.csv', fileId: `F${process.pid}x${imports}` });
      if (!verified.ok) return outcome(verified);
      const jobId = verified.preview.jobId;
      if (!jobId) return 'refused:nothing_to_import:';
      const started = await startImport(ctx, step.actor, jobId, {
        signInAllowed: true,
        usageLocation: 'NL',
        licenses: choices(step.products),
        whenSeatsRunOut: 'create_unlicensed',
        recipients: [],
      });
      if (!started.ok) return outcome(started);
      const ran = await runImport(ctx, jobId, file, { batchSize: 2 });
      return ran.status === 'completed' ? `ok:${ran.created + ran.createdWithoutLicense}` : `error:import ${ran.status}: ${ran.failure}`;
    }
  }
}

// Every bulk action's job runs here when this process queued it (runNow), with the passwords dropped.
for (const action of ['delete', 'restore', 'block'] as const)
  runtime.jobs.register({ kind: BULK_ACTION_JOB[action], run: (job) => runBulkActionJob(ctx, job, async () => []) });

let pending: { plan: Operation[]; domain: string } | null = null;
process.on('message', (message: WorkerMessage) => {
  if (message === 'exit') {
    rmSync(files, { recursive: true, force: true });
    void runtime.shutdown().then(() => process.exit(0));
    return;
  }
  if (message !== 'go') {
    pending = message;
    process.send?.('ready');
    return;
  }
  const { plan, domain } = pending ?? { plan: [], domain: '' };
  pending = null;
  void (async () => {
    const outcomes: string[] = [];
    for (const step of plan) outcomes.push(await run(step, domain).catch((error: unknown) => `error:${(error as Error).message}`));
    process.send?.({ outcomes });
  })();
});
process.send?.('ready');
