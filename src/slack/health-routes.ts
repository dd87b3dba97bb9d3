import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Runtime } from '../runtime/create-runtime.js';
import type { Metrics } from '../runtime/metrics.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** How often readiness asks Slack again (auth.test), at most. */
export const SLACK_CHECK_EVERY_MS = 30_000;
const SLACK_CHECK_TIMEOUT_MS = 2_000;

/**
 * Whether Slack answers Roster's bot token, asked at most every 30 s (readiness probes come every
 * few seconds from every orchestrator): the last answer is kept, a check in progress is shared.
 */
export class SlackReachability {
  private last: { ok: boolean; at: number } | null = null;
  private checking: Promise<boolean> | null = null;

  constructor(private readonly check: () => Promise<unknown>) {}

  async ok(): Promise<boolean> {
    if (this.last && performance.now() - this.last.at < SLACK_CHECK_EVERY_MS) return this.last.ok;
    this.checking ??= withTimeout(this.check(), SLACK_CHECK_TIMEOUT_MS)
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        this.last = { ok, at: performance.now() };
        this.checking = null;
        return ok;
      });
    return this.checking;
  }
}

/**
 * The operator's endpoints, the same in HTTP mode (beside POST /slack/events) and in Socket Mode
 * (on HEALTH_PORT):
 * - `GET /healthz`: alive; 200 while the database answers, else 503.
 * - `GET /readyz`: ready for traffic; 200 when the database answers, its migrations are applied
 *   (a runtime exists only once they are) and Slack answers the bot token; else 503 naming what failed.
 * - `GET /metrics`: Prometheus text (services: runtime/metrics.ts).
 */
export function healthRoutes(
  runtime: Pick<Runtime, 'database'>,
  metrics: Metrics,
  slack: SlackReachability,
): { path: string; method: string[]; handler: Handler }[] {
  const database = () => runtime.database.ping();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        void database().then((ok) => json(res, ok ? 200 : 503, { ok }));
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        void (async () => {
          const [databaseOk, slackOk] = await Promise.all([database(), slack.ok()]);
          const checks = { database: databaseOk, migrations: true, slack: slackOk };
          const ready = Object.values(checks).every(Boolean);
          json(res, ready ? 200 : 503, { ready, checks: Object.fromEntries(Object.entries(checks).map(([name, ok]) => [name, ok ? 'ok' : 'failing'])) });
        })();
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metrics.render().then(
          (text) => {
            res.writeHead(200, { 'content-type': metrics.contentType });
            res.end(text);
          },
          () => json(res, 500, { error: 'the metrics could not be read' }),
        );
      },
    },
  ];
}

/** In Socket Mode nothing else listens: the same routes on their own port (HEALTH_PORT). */
export function startHealthServer(port: number, routes: ReturnType<typeof healthRoutes>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const route = routes.find((candidate) => candidate.path === path && candidate.method.includes(req.method ?? ''));
    if (route) route.handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found: GET /healthz, /readyz or /metrics' }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
