import type { Metrics } from '../runtime/metrics.js';
import type { CoreContext } from '../core/context.js';
import type { Logger } from '../log.js';
import type { SlackPort } from './slack-port.js';

/** Settings of "Add many users from a CSV" as the Slack layer uses them. */
export interface ImportDeps {
  /** Passed to the core as `limits`; the byte limit is also enforced while downloading. */
  limits: { maxRows: number; maxBytes: number };
  /** Where uploads are downloaded to and exports written (one private folder each, deleted when done). */
  tempDir: string;
  /** The progress message is updated at most this often (Slack rate-limits chat.update). */
  progressIntervalMs: number;
}

/** What every listener needs: the core, the Slack port, settings and the log. */
export interface ListenerDeps {
  core: CoreContext;
  slack: SlackPort;
  /** Keeps App Homes current after changes (services/home-refresher.ts): listeners tell it when a Home is opened. */
  home: { opened(teamId: string, userId: string): Promise<void> };
  /** How long a listener may plan before its request is acked with "working…" (see services/answer.ts). */
  ackBudgetMs: number;
  bootstrapAdmins: readonly string[];
  logger: Logger;
  imports: ImportDeps;
  /** The AES-256 key that seals temporary passwords until they are shown (ROSTER_SECRET_KEY or the key file). Never logged. */
  secretKey: Buffer;
  /** What `GET /metrics` reports (acks, Slack calls); absent in tests that build deps by hand. */
  metrics?: Pick<Metrics, 'acked' | 'slackCall' | 'slackRateLimited'>;
}
