import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { mayPreviewImports } from '../../../core/bulk/import-access.js';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import { showUser } from '../../../core/users/show-user.js';
import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { openSetupForm } from '../../services/open-forms.js';
import { addUserModal } from '../../views/add-user-modal.js';
import { helpMessage, USERS_HELP } from '../../views/help-message.js';
import { importUploadModal } from '../../views/import-modals.js';
import { textMessage } from '../../views/kit.js';
import { importChannelCommand } from './import-channel-command.js';
import { userDetailsMessage } from '../../views/user-details.js';
import { isUserChangeSubcommand, userChangeCommand } from './user-change-commands.js';
import { userListCommand } from './user-list-commands.js';
import { usersLifecycleSubcommand } from './users-lifecycle.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/users [add | show <username> | edit … | list [view] | find <text> | views | export [view] | import | import-channel add|remove|list | setup | help]`. */
export function usersCommand(deps: ListenerDeps) {
  return async ({ command, ack }: Args): Promise<void> => {
    const [sub = '', ...rest] = command.text.trim().split(/\s+/);
    const actor = { teamId: command.team_id, slackUserId: command.user_id };
    const wanted = sub.toLowerCase();
    if (isUserChangeSubcommand(wanted)) return userChangeCommand(deps, { command, ack }, wanted, rest.join(' '));
    if (await usersLifecycleSubcommand(deps, actor, sub.toLowerCase(), rest, command.trigger_id, ack)) return;
    switch (sub.toLowerCase()) {
      case '':
      case 'help':
        await ack({ response_type: 'ephemeral', ...helpMessage(USERS_HELP) });
        return;
      case 'add': {
        const options = await addUserOptions(deps.core, actor);
        if (!options.ok) {
          await ack({ response_type: 'ephemeral', ...textMessage(options.message) });
          return;
        }
        await ack();
        await afterAck(deps, actor.slackUserId, 'open the Add user form', () =>
          deps.slack.openView(command.trigger_id, addUserModal(options.options)).then(() => undefined),
        );
        return;
      }
      case 'import': {
        const auth = await mayPreviewImports(deps.core, actor);
        if (!auth.ok) {
          await ack({ response_type: 'ephemeral', ...textMessage(auth.message) });
          return;
        }
        await ack();
        await afterAck(deps, actor.slackUserId, 'open the import form', () =>
          deps.slack.openView(command.trigger_id, importUploadModal(deps.imports.limits)).then(() => undefined),
        );
        return;
      }
      case 'show': {
        const result = await showUser(deps.core, actor, rest.join(' '));
        await ack({ response_type: 'ephemeral', ...(result.ok ? userDetailsMessage(result.user, deps.core.now()) : textMessage(result.message)) });
        return;
      }
      case 'list':
      case 'find':
      case 'views':
      case 'export':
        await userListCommand(deps, actor, sub.toLowerCase(), rest.join(' '), ack);
        return;
      case 'import-channel':
        await ack({ response_type: 'ephemeral', ...(await importChannelCommand(deps, command, rest[0] ?? '')) });
        return;
      case 'setup':
        await ack();
        await afterAck(deps, actor.slackUserId, 'open the setup form', () => openSetupForm(deps, actor, command.trigger_id, command.team_domain));
        return;
      default:
        await ack({ response_type: 'ephemeral', ...helpMessage(USERS_HELP, `Roster doesn't know \`/users ${sub}\`.`) });
    }
  };
}
