import type { CoreContext } from '../core/context.js';
import type { Logger } from '../log.js';
import type { SlackPort } from './slack-port.js';

/** What every listener needs: the core, the Slack port, settings and the log. */
export interface ListenerDeps {
  core: CoreContext;
  slack: SlackPort;
  bootstrapAdmins: readonly string[];
  logger: Logger;
}
