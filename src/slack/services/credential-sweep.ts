import { expireDueCredentials } from '../../core/credentials/expire-credentials.js';
import type { JobHandler } from '../../core/jobs/job-handler.js';
import type { Recurring } from '../../core/jobs/scheduler.js';
import { describeError } from '../../log.js';
import { organizationTeam } from '../../core/workspaces/slack-installations.js';
import type { SlackAppDeps } from '../deps.js';
import { credentialNoticeMessage } from '../views/credential-notice.js';

/** How often the sweep looks for temporary passwords past their 24 hours. */
export const CREDENTIAL_SWEEP_INTERVAL_MS = 5 * 60_000;

/** Every 5 minutes, once per slot across instances, and at each start. */
export const CREDENTIAL_SWEEP: Recurring = { kind: 'sweep.credentials', everyMs: CREDENTIAL_SWEEP_INTERVAL_MS, atStart: true };

export function credentialSweepJob(deps: SlackAppDeps): JobHandler {
  return {
    kind: CREDENTIAL_SWEEP.kind,
    lane: 'light',
    run: async () => ({ done: { expired: await sweepExpiredCredentials(deps) } }),
  };
}

/**
 * Destroys the temporary passwords nobody showed within 24 hours and redraws their DMs to say so
 * (with what to do: reset the password). Runs at start and then regularly; the state is in the
 * database, so passwords that expired while Roster was stopped are destroyed when it starts.
 */
export async function sweepExpiredCredentials(deps: SlackAppDeps): Promise<number> {
  const expired = await expireDueCredentials(deps.core);
  for (const credential of expired) {
    if (!credential.message) continue;
    try {
      const { channel, ts } = credential.message;
      // The DM is in the credential's own workspace: its token redraws it (a workspace Roster left is skipped, logged).
      const team = await organizationTeam(deps.core, credential.tenantId);
      if (!team) continue;
      const slack = await deps.ports.forTeam(team);
      await slack.updateMessage(
        channel,
        ts,
        credentialNoticeMessage(credential.details, credential.sentBy, deps.core.now(), { kind: 'expired', expiredAt: credential.expiredAt }),
      );
    } catch (error) {
      deps.logger.warn('could not update an expired credential notice', {
        recipient: credential.recipient,
        user: credential.details.userPrincipalName,
        ...describeError(error),
      });
    }
  }
  if (expired.length > 0) deps.logger.info('temporary passwords expired unseen', { count: expired.length });
  return expired.length;
}
