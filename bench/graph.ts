/**
 * `npm run bench -- graph` (issue 16): a connected organization against the fake Microsoft Graph.
 * 1. An import of 10,000 users with a license, 5% of Graph's requests throttled (429, Retry-After:
 *    1 s, waited for real): every user made once, with its license; duration, requests per second
 *    and retries, beside the fake's throttling.
 * 2. A first full sync of 100,000 users (the fake in a process of its own): time and this
 *    process's peak memory (sampled every 50 ms).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runImport, startImport, verifyImport } from '../src/core/bulk/index.js';
import { productByPartNumber } from '../src/core/catalogue/catalogue.js';
import { checkConnection, confirmConnection } from '../src/core/microsoft/connect-organization.js';
import { setupTenant } from '../src/core/tenant/setup-tenant.js';
import { graphEndpoints } from '../src/graph/endpoints.js';
import { createLogger } from '../src/log.js';
import { createRuntime, type Runtime } from '../src/runtime/create-runtime.js';
import { startFakeGraph } from '../test/support/fake-graph.js';
import type { Figure, Suite } from './figures.js';

const SUITE = 'graph';
const ACTOR = { teamId: 'TBENCH', slackUserId: 'UBENCH' };
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

async function organization(dir: string, graph: { graphUrl: string; loginUrl: string }, retries?: { count: number }): Promise<Runtime> {
  const runtime = await createRuntime({
    databaseUrl: `file:${path.join(dir, 'roster.db')}`,
    backgroundCheckpoints: true,
    logger: createLogger('warn'),
    jobQueues: (instanceId) => [`cli:${instanceId}`],
    graph: {
      endpoints: graphEndpoints(graph.graphUrl, graph.loginUrl),
      ...(retries ? { transport: { onRetry: () => void retries.count++ } } : {}),
    },
  });
  const setup = await setupTenant(runtime.core, ACTOR, {
    organizationName: 'Bench',
    initialDomain: 'contoso',
    requester: {
      isWorkspaceOwnerOrAdmin: true,
      isBootstrapAdmin: false,
      displayName: 'Bench Admin',
      firstName: 'Bench',
      lastName: 'Admin',
      email: 'bench@contoso.onmicrosoft.com',
    },
  });
  if (!setup.ok) throw new Error(setup.message);
  return runtime;
}

async function connect(runtime: Runtime, credentials: { tenantId: string; clientId: string; secret: string }): Promise<string> {
  const checked = await checkConnection(runtime.core, ACTOR, runtime.secretKey(), {
    tenant: credentials.tenantId,
    clientId: credentials.clientId,
    clientSecret: credentials.secret,
  });
  if (!checked.ok) throw new Error(`connect: ${checked.message}`);
  const confirmed = await confirmConnection(
    runtime.core,
    ACTOR,
    { checkedAt: checked.plan.checkedAt, missing: 'leave_out' },
    { queue: `cli:${runtime.core.instanceId}` },
  );
  if (!confirmed.ok) throw new Error(`confirm: ${confirmed.message}`);
  return confirmed.syncJobId!;
}

async function importIntoTenant(quick: boolean, log: (line: string) => void): Promise<Figure[]> {
  const rows = quick ? 1000 : 10_000;
  const graph = await startFakeGraph({ displayName: 'Contoso Bench', initialDomain: 'contoso.onmicrosoft.com' });
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-graph-'));
  const retries = { count: 0 };
  try {
    graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: rows + 10 });
    const app = graph.registerApp({ permissions: ['User.ReadWrite.All', 'Organization.Read.All', 'Domain.Read.All', 'RoleManagement.Read.Directory'] });
    graph.tenant.addUser({ userPrincipalName: 'bench@contoso.onmicrosoft.com', displayName: 'Bench Admin', usageLocation: 'NL' });
    graph.tenant.assignRole('bench@contoso.onmicrosoft.com', GLOBAL_ADMINISTRATOR);
    const runtime = await organization(dir, graph, retries);
    try {
      const sync = await connect(runtime, { tenantId: graph.tenant.id, clientId: app.clientId, secret: app.secret });
      if ((await runtime.jobs.runNow(sync)).status !== 'succeeded') throw new Error('the first sync failed');
      const file = path.join(dir, 'hires.csv');
      const lines = [
        'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region',
      ];
      for (let i = 1; i <= rows; i++) lines.push(`hire${i}@contoso.onmicrosoft.com,Hire,${i},Hire ${i},,Sales,,,,,,,,,,`);
      writeFileSync(file, `${lines.join('\r\n')}\r\n`);
      const verified = await verifyImport(runtime.core, ACTOR, {
        path: file,
        fileName: 'hires.csv',
        fileId: 'FBENCH',
        limits: { maxRows: rows, maxBytes: 1 << 30 },
      });
      if (!verified.ok) throw new Error(verified.message);
      const jobId = verified.preview.jobId!;
      const started = await startImport(runtime.core, ACTOR, jobId, {
        signInAllowed: true,
        usageLocation: 'NL',
        licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
        whenSeatsRunOut: 'licensed_only',
        recipients: [],
      });
      if (!started.ok) throw new Error(started.message);
      graph.throttle({ fraction: 0.05, retryAfter: 1, status: 429, seed: 16 });
      const before = { requests: graph.stats.requests, calls: graph.calls().length };
      log(`importing ${rows} users into the tenant, 5% of Graph's requests throttled (Retry-After: 1 s)…`);
      const t = performance.now();
      const outcome = await runImport(runtime.core, jobId, file);
      const seconds = (performance.now() - t) / 1000;
      graph.throttle({ fraction: 0 });
      const calls = graph.calls().slice(before.calls);
      const inner = calls.filter((c) => c.inner);
      const made = inner.filter((c) => c.method === 'POST' && c.path === '/v1.0/users' && c.status === 201).length;
      const licensed = graph.tenant.activeUsers().filter((u) => u.userPrincipalName!.startsWith('hire') && (u.assignedLicenses ?? []).length === 1).length;
      const throttled = calls.filter((c) => c.status === 429).length;
      log(
        `${outcome.status}: ${outcome.created} created in ${seconds.toFixed(1)} s; the tenant made ${made} users (${licensed} licensed); ${inner.length} requests in ${calls.filter((c) => c.path === '/v1.0/$batch').length} batches, ${throttled} throttled, ${retries.count} retries`,
      );
      return [
        { suite: SUITE, name: `import ${rows}: users made in the tenant, once each`, value: made, unit: 'users', target: { op: '=', value: rows } },
        { suite: SUITE, name: `import ${rows}: users licensed in the tenant`, value: licensed, unit: 'users', target: { op: '=', value: rows } },
        { suite: SUITE, name: `import ${rows}: duration`, value: seconds, unit: 's' },
        {
          suite: SUITE,
          name: `import ${rows}: Graph requests per second (in batches)`,
          value: inner.length / seconds,
          unit: 'req/s',
          note: 'fake: 5% throttled, Retry-After 1 s',
        },
        {
          suite: SUITE,
          name: `import ${rows}: retries (throttled requests, batches sent again)`,
          value: retries.count,
          unit: '',
          note: `${throttled} answers were 429`,
        },
      ];
    } finally {
      await runtime.shutdown();
    }
  } finally {
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function firstSync(quick: boolean, log: (line: string) => void): Promise<Figure[]> {
  const users = quick ? 10_000 : 100_000;
  const fake = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/graph-fake.ts'), String(users)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-sync-'));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: fake.stdout! }).once('line', resolve);
      fake.once('exit', (code) => reject(new Error(`the fake Graph stopped (${code})`)));
    });
    const served = JSON.parse(line) as { graphUrl: string; loginUrl: string; tenantId: string; clientId: string; secret: string };
    const runtime = await organization(dir, served);
    try {
      log(`a first full sync of ${users} users…`);
      let peak = process.memoryUsage().rss;
      const before = peak;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const t = performance.now();
      const job = await runtime.jobs.runNow(await connect(runtime, served));
      const seconds = (performance.now() - t) / 1000;
      clearInterval(sampler);
      if (job.status !== 'succeeded') throw new Error(`the sync ${job.status}: ${job.error}`);
      log(
        `synced: ${JSON.stringify(job.result)} in ${seconds.toFixed(1)} s; rss ${(before / 1048576).toFixed(0)} MB before, peak ${(peak / 1048576).toFixed(0)} MB`,
      );
      return [
        { suite: SUITE, name: `first sync of ${users} users: time`, value: seconds, unit: 's', target: { op: '<', value: 60 } },
        { suite: SUITE, name: `first sync of ${users} users: peak memory (rss)`, value: peak / 1048576, unit: 'MB', target: { op: '<', value: 300 } },
      ];
    } finally {
      await runtime.shutdown();
    }
  } finally {
    fake.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const graphSuite: Suite = async ({ quick, log }) => [...(await importIntoTenant(quick, log)), ...(await firstSync(quick, log))];
