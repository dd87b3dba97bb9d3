import { mayPreviewImports } from '../../../core/bulk/import-access.js';
import { mayAddUsers } from '../../../core/users/add-user-options.js';
import { showUser } from '../../../core/users/show-user.js';
import { listJobs } from '../../../core/jobs/list-jobs.js';
import { jobsMessage } from '../../views/jobs-message.js';
import type { ListenerDeps } from '../../deps.js';
import { read, type Plan } from '../../services/answer.js';
import { ephemeral, followUp, type CommandArgs, type CommandReply } from '../../services/answering.js';
import { openSetupForm } from '../../services/open-forms.js';
import { addUserModal } from '../../views/add-user-modal.js';
import { addManyUsersModal } from '../../views/add-many-modal.js';
import { helpMessage, USERS_HELP } from '../../views/help-message.js';
import { importUploadModal } from '../../views/import-modals.js';
import { textMessage } from '../../views/kit.js';
import { auditCommand } from './audit-command.js';
import { domainsCommand } from './domains-command.js';
import { connectCommand, linkCommand, syncCommand } from './connect-command.js';
import { settingsCommand } from './settings-command.js';
import { importChannelCommand } from './import-channel-command.js';
import { sendImportTemplate } from '../../services/send-import-template.js';
import { userDetailsMessage } from '../../views/user-details.js';
import { isUserChangeSubcommand, userChangeCommand } from './user-change-commands.js';
import { userListCommand } from './user-list-commands.js';
import { isLifecycleSubcommand, LIFECYCLE_SUBCOMMANDS, usersLifecycleSubcommand } from './users-lifecycle.js';
import { USER_CHANGE_SUBCOMMANDS } from './user-change-commands.js';
import { listScheduledChanges } from '../../../core/schedules/scheduled-changes.js';
import { scheduledMessage } from '../../views/schedule-views.js';
import { openOffboardForm } from '../schedule-listeners.js';
import { approvalsCommand, policyCommand } from '../approval-listeners.js';

const OTHER_SUBCOMMANDS = [
  'help',
  'add',
  'add-many',
  'import',
  'show',
  'list',
  'find',
  'views',
  'export',
  'import-channel',
  'jobs',
  'audit',
  'domains',
  'settings',
  'connect',
  'sync',
  'link',
  'setup',
  'offboard',
  'scheduled',
  'policy',
  'approvals',
] as const;
type OtherSubcommand = (typeof OTHER_SUBCOMMANDS)[number];

/** Every `/users` subcommand Roster knows (manifest.yml's usage hint lists them; a test keeps the two equal). */
export const USERS_SUBCOMMANDS: readonly string[] = [...USER_CHANGE_SUBCOMMANDS, ...LIFECYCLE_SUBCOMMANDS, ...OTHER_SUBCOMMANDS];
const isOther = (sub: string): sub is OtherSubcommand => (OTHER_SUBCOMMANDS as readonly string[]).includes(sub);

/**
 * `/users [add | show <username> | edit … | list [view] | find <text> | views | export [view] | import | import-channel add|remove|list | jobs | audit … | setup | help]`.
 * Reads answer in the ack; forms open after it (views.open, with the command's trigger id).
 */
export function usersCommand(deps: ListenerDeps) {
  return async (args: CommandArgs): Promise<Plan<CommandReply>> => {
    const { command } = args;
    const [sub = '', ...rest] = command.text.trim().split(/\s+/);
    const actor = { teamId: command.team_id, slackUserId: command.user_id };
    const wanted = sub.toLowerCase();
    if (isUserChangeSubcommand(wanted)) return userChangeCommand(deps, actor, command.trigger_id, wanted, rest.join(' '));
    if (isLifecycleSubcommand(wanted)) return usersLifecycleSubcommand(deps, actor, wanted, rest, command.trigger_id, followUp(args));
    if (wanted !== '' && !isOther(wanted)) return { reply: ephemeral(helpMessage(USERS_HELP, `Roster doesn't know \`/users ${sub}\`.`)) };
    switch (wanted) {
      case '':
      case 'help':
        return { reply: ephemeral(helpMessage(USERS_HELP)) };
      case 'add': {
        // The ack says only whether they may; the form's options are read after it (fewer reads before the ack).
        const allowed = await mayAddUsers(deps.core, actor);
        if (!allowed.ok) return { reply: ephemeral(textMessage(allowed.message)) };
        return {
          after: read('open the Add user form', async () => {
            await deps.slack.openView(command.trigger_id, addUserModal(await allowed.options()));
          }),
        };
      }
      case 'add-many': {
        const allowed = await mayAddUsers(deps.core, actor);
        if (!allowed.ok) return { reply: ephemeral(textMessage(allowed.message)) };
        return {
          after: read('open the Add several users form', async () => {
            await deps.slack.openView(command.trigger_id, addManyUsersModal(await allowed.options()));
          }),
        };
      }
      case 'import': {
        const auth = await mayPreviewImports(deps.core, actor);
        if (!auth.ok) return { reply: ephemeral(textMessage(auth.message)) };
        if (rest[0]?.toLowerCase() === 'template')
          return {
            reply: ephemeral(textMessage('The sample CSV is on its way to your DM with Roster.')),
            after: read('send the sample CSV', () => sendImportTemplate(deps, actor)),
          };
        return {
          after: read('open the import form', async () => {
            await deps.slack.openView(command.trigger_id, importUploadModal(deps.imports.limits));
          }),
        };
      }
      case 'show': {
        const result = await showUser(deps.core, actor, rest.join(' '));
        return { reply: ephemeral(result.ok ? userDetailsMessage(result.user, deps.core.now()) : textMessage(result.message)) };
      }
      case 'list':
      case 'find':
      case 'views':
      case 'export':
        return userListCommand(deps, actor, wanted, rest.join(' '));
      case 'import-channel':
        return importChannelCommand(deps, command, rest[0] ?? '', followUp(args));
      case 'jobs': {
        const result = await listJobs(deps.core, actor);
        return { reply: ephemeral(result.ok ? jobsMessage(result.jobs) : textMessage(result.message)) };
      }
      case 'offboard': {
        const user = rest.join(' ');
        if (!user) return { reply: ephemeral(textMessage('Say whose offboarding to schedule: `/users offboard ana@contoso.com`.')) };
        // The form says who and refuses what the actor may not do: read after the ack, as every form.
        return { after: read('open the offboarding form', () => openOffboardForm(deps, actor, command.trigger_id, { username: user })) };
      }
      case 'scheduled': {
        const result = await listScheduledChanges(deps.core, actor);
        return { reply: ephemeral(result.ok ? scheduledMessage(result) : textMessage(result.message)) };
      }
      case 'policy':
        return policyCommand(deps, actor, command.trigger_id);
      case 'approvals':
        return approvalsCommand(deps, actor);
      case 'settings':
        return settingsCommand(deps, actor, rest, followUp(args));
      case 'domains':
        return domainsCommand(deps, actor, rest, followUp(args));
      case 'audit':
        return auditCommand(deps, actor, rest.join(' '), followUp(args));
      case 'connect':
        return connectCommand(deps, actor, command.trigger_id);
      case 'sync':
        return syncCommand(deps, actor, followUp(args));
      case 'link':
        return linkCommand(deps, actor, rest, followUp(args));
      case 'setup':
        // Who may set up is asked of Slack (users.info): after the ack, with the form.
        return { after: read('open the setup form', () => openSetupForm(deps, actor, command.trigger_id, command.team_domain)) };
    }
  };
}
