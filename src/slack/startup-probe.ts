import { createServer, type Server } from 'node:http';

/** What a starting instance is doing: opening the database and applying its migrations, then starting the Slack app. */
export type StartupPhase = 'migrating' | 'starting';

/**
 * The health endpoints while Roster starts, on the port the app will listen on (PORT, or
 * HEALTH_PORT in Socket Mode), before the app exists: opening the database applies its
 * migrations first, which on PostgreSQL may mean waiting for another instance's (the migrator's
 * lock), and a long migration must neither look dead nor ready to an orchestrator.
 * - `GET /healthz`: 200, alive (a liveness probe must not kill a migration half done).
 * - `GET /readyz`: 503 with what it is doing: `{"ready":false,"checks":{"migrations":"migrating",…}}`.
 * - anything else (a Slack request): 503 with Retry-After, nothing done.
 * `close()` hands the port to the app just before it listens.
 */
export async function startStartupProbe(port: number): Promise<{ port: number; phase(now: StartupPhase): void; close(): Promise<void> }> {
  let phase: StartupPhase = 'migrating';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      // No connection is kept for the next request: close() drops the probe's connections when it
      // hands the port to the app, and a health checker reusing one would see it cut mid-request.
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/healthz') return json(200, { ok: true, starting: phase });
    if (req.method === 'GET' && path === '/readyz') {
      const checks =
        phase === 'migrating'
          ? { database: 'migrating', migrations: 'migrating', slack: 'not checked yet' }
          : { database: 'ok', migrations: 'ok', slack: 'starting' };
      return json(503, { ready: false, checks });
    }
    json(
      503,
      { error: `Roster is starting (${phase === 'migrating' ? 'applying database migrations' : 'connecting to Slack'}); try again shortly.` },
      { 'retry-after': '5' },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    phase: (now) => {
      phase = now;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
