import type { MemberActor, OperatorActor } from '../../src/core/context.js';
import { checkConnection, confirmConnection } from '../../src/core/microsoft/connect-organization.js';
import type { JobRecord } from '../../src/domain/jobs.js';
import { graphEndpoints } from '../../src/graph/endpoints.js';
import type { RuntimeOptions } from '../../src/runtime/create-runtime.js';
import type { FakeApp, FakeGraph } from './fake-graph.js';
import type { TestDatabase } from './test-db.js';

/** Graph options for a runtime on the fake: its endpoints, and waits (Retry-After, backoff) recorded in `waits` and not slept. */
export function fakeGraphOptions(graph: FakeGraph, waits: number[] = []): NonNullable<RuntimeOptions['graph']> {
  return { endpoints: graphEndpoints(graph.graphUrl, graph.loginUrl), transport: { sleep: async (ms) => void waits.push(ms) } };
}

/** Connects the test database's organization to the fake tenant with `app`, then runs the first sync here. */
export async function connectToFake(
  db: TestDatabase,
  actor: MemberActor | OperatorActor,
  graph: FakeGraph,
  app: FakeApp,
  options: { missing?: 'leave_out' | null } = {},
): Promise<JobRecord> {
  const checked = await checkConnection(db.ctx, actor, db.runtime.secretKey(), { tenant: graph.tenant.id, clientId: app.clientId, clientSecret: app.secret });
  if (!checked.ok) throw new Error(`check: ${checked.message}`);
  const confirmed = await confirmConnection(db.ctx, actor, {
    checkedAt: checked.plan.checkedAt,
    missing: options.missing === undefined ? 'leave_out' : options.missing,
  });
  if (!confirmed.ok) throw new Error(`confirm: ${confirmed.message}`);
  return db.runtime.jobs.runNow(confirmed.syncJobId!);
}
