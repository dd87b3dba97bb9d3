import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { CoreContext } from '../../core/context.js';
import { installedWorkspace, recordInstallation, removeInstallation, type WorkspaceInstallation } from '../../core/workspaces/slack-installations.js';
import type { Logger } from '../../log.js';
import { slackErrorCode } from '../services/slack-errors.js';
import type { SlackPort } from '../slack-port.js';
import { WorkspaceNotInstalled, type RemovedBecause, type SlackPorts } from '../slack-ports.js';

/** Slack's answers that mean the token itself is no good any more (revoked, app uninstalled): it is read again next time. */
const TOKEN_REFUSED = new Set(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed', 'team_disabled']);

interface Known {
  installation: WorkspaceInstallation;
  port: SlackPort;
}

/**
 * The workspaces Roster was installed in through Slack's OAuth flow, as Bolt's installation store
 * (`installationStore()`: install saves, Bolt's authorize reads) and as the Slack ports of those
 * workspaces (`forTeam`). Tokens are kept sealed in the database (core/workspaces) and, once opened,
 * in memory: a workspace's first request or job after a start reads the database, later ones do
 * not. An installation leaves the memory when it is replaced (a reinstall), removed (uninstalled,
 * revoked) or when Slack refuses its token (it was removed through another instance), so the next
 * use reads the database again. Each token has its own port, so its own Web API client and its own
 * rate-limit waits: one workspace's Retry-After never holds up another's calls.
 */
export class InstalledWorkspaces implements SlackPorts {
  /** Each workspace's installation, opened (or being read: two first calls at once read it once). */
  private readonly known = new Map<string, Promise<Known>>();

  constructor(
    private readonly core: CoreContext,
    private readonly secretKey: Buffer,
    /** The port that calls Slack with this token (web-api-port.ts, instrumented). */
    private readonly portFor: (botToken: string) => SlackPort,
    private readonly logger: Logger,
    /** The kinds of job that talk to Slack: a removed workspace's queued ones end at once. */
    private readonly slackJobKinds: readonly string[],
  ) {}

  async forTeam(teamId: string): Promise<SlackPort> {
    return (await this.find(teamId)).port;
  }

  async removed(teamId: string, why: RemovedBecause): Promise<void> {
    this.known.delete(teamId);
    const { removed, jobsEnded } = await removeInstallation(this.core, teamId, why, this.slackJobKinds);
    this.known.delete(teamId);
    if (removed) this.logger.warn('Roster was removed from a workspace: its token is deleted and its work stopped', { team: teamId, event: why, jobsEnded });
  }

  /** What Bolt's OAuth flow stores and reads (its `authorize` asks `fetchInstallation` for every request). */
  installationStore(): InstallationStore {
    return {
      storeInstallation: async (installation) => {
        const facts = installationFacts(installation);
        const { organization } = await recordInstallation(this.core, this.secretKey, facts);
        this.known.delete(facts.teamId);
        this.logger.info('Roster was installed in a workspace', {
          team: facts.teamId,
          by: facts.installedBy,
          organization: organization ?? '(not set up yet)',
        });
      },
      fetchInstallation: async (query: InstallationQuery<boolean>) => {
        if (query.isEnterpriseInstall || !query.teamId) throw new Error('Roster is installed per workspace, never organization-wide');
        return asBoltInstallation((await this.find(query.teamId)).installation);
      },
    };
  }

  private find(teamId: string): Promise<Known> {
    const known = this.known.get(teamId);
    if (known) return known;
    const read = async (): Promise<Known> => {
      const installation = await installedWorkspace(this.core, this.secretKey, teamId);
      if (!installation) throw new WorkspaceNotInstalled(teamId);
      return { installation, port: this.forgetWhenRefused(teamId, reading, this.portFor(installation.botToken)) };
    };
    const reading = read();
    this.known.set(teamId, reading);
    // Not installed (or unreadable): nothing is kept, the next use asks the database again.
    reading.catch(() => this.forget(teamId, reading));
    return reading;
  }

  /** Forgets a workspace's installation, unless another one (a reinstall) took its place meanwhile. */
  private forget(teamId: string, entry: Promise<Known>): void {
    if (this.known.get(teamId) === entry) this.known.delete(teamId);
  }

  /** The port, with its installation forgotten when Slack refuses its token (it is read again at the next use). */
  private forgetWhenRefused(teamId: string, entry: Promise<Known>, port: SlackPort): SlackPort {
    const watched = {} as Record<string, unknown>;
    for (const [method, call] of Object.entries(port) as [string, (...args: unknown[]) => Promise<unknown>][]) {
      watched[method] = async (...args: unknown[]) => {
        try {
          return await call(...args);
        } catch (error) {
          if (TOKEN_REFUSED.has(slackErrorCode(error) ?? '')) this.forget(teamId, entry);
          throw error;
        }
      };
    }
    return watched as unknown as SlackPort;
  }
}

/** An installation Roster does not take, with why (shown on the page the installer lands on). */
export class InstallRefused extends Error {
  override name = 'InstallRefused';
}

/** The facts Roster keeps of an installation Bolt's OAuth flow made (a bot token for one workspace, without rotation). */
function installationFacts(installation: Installation): WorkspaceInstallation {
  const { team, bot } = installation;
  if (installation.isEnterpriseInstall || !team)
    throw new InstallRefused('Roster is installed per workspace: an organization-wide (Enterprise Grid) install is not supported.');
  if (!bot) throw new InstallRefused('Slack gave no bot token: install Roster with its bot scopes (manifest.yml).');
  if (bot.refreshToken)
    throw new InstallRefused("Slack gave a rotating bot token: turn token rotation off in the app's settings (manifest.yml: token_rotation_enabled: false).");
  return {
    teamId: team.id,
    teamName: team.name ?? team.id,
    appId: installation.appId ?? '',
    botUserId: bot.userId,
    botId: bot.id,
    botScopes: bot.scopes,
    botToken: bot.token,
    installedBy: installation.user.id,
  };
}

/** An installation as Bolt's authorize reads it. */
function asBoltInstallation(installation: WorkspaceInstallation): Installation<'v2', false> {
  return {
    team: { id: installation.teamId, name: installation.teamName },
    enterprise: undefined,
    user: { id: installation.installedBy, token: undefined, scopes: undefined },
    bot: { token: installation.botToken, id: installation.botId, userId: installation.botUserId, scopes: installation.botScopes },
    appId: installation.appId,
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}
