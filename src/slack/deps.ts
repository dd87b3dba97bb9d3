import type { Metrics } from '../runtime/metrics.js';
import type { CoreContext } from '../core/context.js';
import type { Logger } from '../log.js';
import type { SlackPort } from './slack-port.js';
import type { SlackPorts } from './slack-ports.js';

/** Settings of "Add many users from a CSV" as the Slack layer uses them. */
export interface ImportDeps {
  /** Passed to the core as `limits`; the byte limit is also enforced while downloading. */
  limits: { maxRows: number; maxBytes: number };
  /** Where uploads are downloaded to and exports written (one private folder each, deleted when done). */
  tempDir: string;
  /** The progress message is updated at most this often (Slack rate-limits chat.update). */
  progressIntervalMs: number;
}

/**
 * What the Slack app shares across workspaces: the core, the Slack ports of every workspace,
 * settings and the log. Only the few places that choose a workspace hold it (the registrar, the
 * event and job wrappers, the App Home refresher, the sweeps); everything else gets ListenerDeps.
 */
export interface SlackAppDeps {
  core: CoreContext;
  /** The Slack port of each workspace (slack-ports.ts). Reached through `workspaceDeps`, never per call. */
  ports: SlackPorts;
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

/**
 * What every listener, service and Slack job works with: the app's deps and the Slack port of the
 * one workspace it acts in. There is no way from here to another workspace's port: a listener
 * acts for the team of its request, a job for its organization's team.
 */
export interface ListenerDeps extends Omit<SlackAppDeps, 'ports'> {
  /** The Slack workspace (team id) this work is for; `slack` talks to it with its token. */
  teamId: string;
  slack: SlackPort;
}

/** The deps of one workspace; rejects with WorkspaceNotInstalled when Roster is not installed there. */
export async function workspaceDeps(app: SlackAppDeps, teamId: string): Promise<ListenerDeps> {
  const { ports, ...shared } = app;
  return { ...shared, teamId, slack: await ports.forTeam(teamId) };
}
