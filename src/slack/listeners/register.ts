import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackAppDeps } from '../deps.js';
import { inWorkspaceOfEvent, workspaceRemoved } from './events/workspace-events.js';
import { afterAck } from '../services/after-ack.js';
import { read } from '../services/answer.js';
import { sendImportTemplate } from '../services/send-import-template.js';
import { answering, type Registration } from '../services/answering.js';
import { TEXT_CONDITIONS } from '../../core/views/view-conditions.js';
import { profileValueOptions } from './options/profile-value-options.js';
import { managerOptions } from './options/manager-options.js';
import { openAddUserForm } from '../services/open-forms.js';
import { ACTION, CALLBACK, SHORTCUT, VALUE } from '../views/ids.js';
import { addUserFormChanged } from './actions/add-user-form-actions.js';
import { productsChosen } from './actions/products-chosen.js';
import { usageLocationOptions } from '../views/usage-location.js';
import { openAddUserAction, openBuyLicensesAction, openSetupAction, refreshHomeAction } from './actions/home-actions.js';
import { cancelImportAction, chooseImportSettingsAction, resumeImportAction, resumeTakeoverSubmission } from './actions/import-actions.js';
import { customViewMenu, exportAction, listPageChosen, listViewChosen, newViewAction, openViewAction, openViewsAction } from './actions/user-list-actions.js';
import { openSeatWarningAction, seatWarningSubmission } from './views/seat-warning-listeners.js';
import { customViewSubmission } from './views/custom-view-submission.js';
import { deleteViewSubmission } from './views/delete-view-submission.js';
import { showPasswordAction } from './actions/credential-actions.js';
import { deleteImportResultsAction } from './actions/import-results-actions.js';
import { cancelJobAction } from './actions/job-actions.js';
import { auditNextAction } from './actions/audit-actions.js';
import { addDomainAction, domainChangeAction } from './actions/domain-actions.js';
import { addDomainSubmission } from './views/add-domain-submission.js';
import { connectReviewSubmission, connectSubmission } from './views/connect-submissions.js';
import { disconnectAction, syncNowAction } from './actions/connection-actions.js';
import { licensesCommand } from './commands/licenses-command.js';
import { usersCommand } from './commands/users-command.js';
import { directMessageEvent } from './events/direct-message-event.js';
import { fileSharedEvent } from './events/file-events.js';
import { importCsvShortcut } from './shortcuts/import-shortcut.js';
import { buyForImportAction } from './actions/import-buy-actions.js';
import { addManyFormAction } from './actions/add-many-actions.js';
import { addManyUsersSubmission } from './views/add-many-submission.js';
import { addUserSubmission } from './views/add-user-submission.js';
import { addAnotherUserSubmission } from './views/add-another-user.js';
import { addUserFinishSubmission } from './views/add-user-finish.js';
import { addUserBackAction } from './actions/add-user-back.js';
import { buyLicensesSubmission } from './views/buy-licenses-submission.js';
import { importSettingsSubmission, importUploadSubmission } from './views/import-submissions.js';
import { setupSubmission } from './views/setup-submission.js';
import { actorFromBody } from '../parse/actor.js';
import { editSelectedAction, editUserAction, userPickerOptions } from './actions/user-change-actions.js';
import { editManySubmission, editUserSubmission, resetPasswordSubmission, signInSubmission } from './views/user-change-submissions.js';
import { registerLifecycleListeners } from './lifecycle-listeners.js';
import { registerBulkActionListeners } from './bulk-action-listeners.js';
import { userRowAction } from './actions/user-row-actions.js';
import { registerSeatListeners } from './seat-listeners.js';
import { registerScheduleListeners } from './schedule-listeners.js';
import { registerApprovalListeners } from './approval-listeners.js';

/**
 * Wires every Slack surface to its listener. Listeners are thin: parse, plan with the core, render.
 * Every command, action, options request, shortcut and submission is registered through
 * `answering` (services/answering.ts), which acks for it (services/answer.ts).
 * Events are acked by Bolt itself, before any listener runs (App.processEvent acks every Events
 * API request but function_executed first); what they do follows that ack.
 */
export function registerListeners(app: App, deps: SlackAppDeps): readonly Registration[] {
  const on = answering(app, deps);
  on.command('/users', usersCommand);
  on.command('/licenses', licensesCommand);

  on.view(CALLBACK.setup, setupSubmission);
  on.view(CALLBACK.addUser, addUserSubmission);
  on.view(CALLBACK.addUserReview, addUserFinishSubmission);
  on.view(CALLBACK.addUserDone, addAnotherUserSubmission);
  on.view(CALLBACK.buyLicenses, buyLicensesSubmission);
  on.view(CALLBACK.importUpload, importUploadSubmission);
  on.view(CALLBACK.importSettings, importSettingsSubmission);
  on.view(CALLBACK.importResumeConfirm, resumeTakeoverSubmission);
  on.view(CALLBACK.addManyUsers, addManyUsersSubmission);
  on.view(CALLBACK.editUser, editUserSubmission);
  on.view(CALLBACK.editMany, editManySubmission);
  on.view(CALLBACK.blockUser, (deps) => signInSubmission(deps, true));
  on.view(CALLBACK.unblockUser, (deps) => signInSubmission(deps, false));
  on.view(CALLBACK.resetPassword, resetPasswordSubmission);
  on.view(CALLBACK.customView, customViewSubmission);
  on.view(CALLBACK.deleteCustomView, deleteViewSubmission);
  on.view(CALLBACK.addDomain, addDomainSubmission);
  on.view(CALLBACK.seatWarning, seatWarningSubmission);
  on.view(CALLBACK.connect, connectSubmission);
  on.view(CALLBACK.connectReview, connectReviewSubmission);

  on.action(ACTION.openAddUser, openAddUserAction);
  on.action(ACTION.addUserBack, addUserBackAction);
  on.action({ type: 'block_actions', block_id: 'passwordMode', action_id: VALUE }, addUserFormChanged);
  // Products chosen: the form they are in (Add user, Edit many, import settings) comes back with an apps picker for each.
  on.action({ type: 'block_actions', block_id: 'licenses', action_id: VALUE }, productsChosen);
  // The usage location picker (Add user and import settings) loads its countries when opened or typed in.
  on.options({ type: 'block_suggestion', block_id: 'usageLocation', action_id: VALUE }, () => ({ payload }) => ({
    reply: usageLocationOptions(payload.value ?? ''),
  }));
  // The Edit user form's Manager picker: the organization's users as typed.
  on.options({ type: 'block_suggestion', block_id: 'manager', action_id: VALUE }, managerOptions);
  for (const field of TEXT_CONDITIONS) on.options({ type: 'block_suggestion', block_id: field, action_id: VALUE }, (deps) => profileValueOptions(deps, field));
  on.action(ACTION.openSetup, openSetupAction);
  on.action(ACTION.openBuyLicenses, openBuyLicensesAction);
  on.action(ACTION.refreshHome, refreshHomeAction);
  on.action(ACTION.importChooseSettings, chooseImportSettingsAction);
  on.action(ACTION.importCancel, cancelImportAction);
  on.action(ACTION.importResume, resumeImportAction);
  on.action(new RegExp(`^${ACTION.importBuyLicenses}(_\\d+)?$`), buyForImportAction);
  on.action(ACTION.openAddMany, (deps) => addManyFormAction(deps, 'open'));
  on.action(ACTION.addManyRow, (deps) => addManyFormAction(deps, 'row'));
  on.action(ACTION.editUser, editUserAction);
  on.action(ACTION.editSelected, editSelectedAction);
  on.options({ type: 'block_suggestion', block_id: 'users', action_id: VALUE }, userPickerOptions);
  // User lists; a row's menu opens the edit, licenses, block, reset or delete form for that user.
  on.action(ACTION.userRowAction, userRowAction);
  on.action(ACTION.listView, listViewChosen);
  on.action(new RegExp(`^${ACTION.listPage}_(prev|next)$`), listPageChosen);
  on.action(ACTION.listExport, exportAction);
  on.action(new RegExp(`^${ACTION.openView}(_\\d+)?$`), openViewAction);
  on.action(ACTION.openViews, openViewsAction);
  on.action(ACTION.newView, newViewAction);
  on.action(ACTION.editView, customViewMenu);
  on.action(ACTION.seatWarning, openSeatWarningAction);
  // Ticking a row's checkbox changes nothing yet: "Edit selected" reads the ticked rows from the message.
  on.action({ type: 'block_actions', action_id: 'select' }, () => () => ({}));
  on.action(ACTION.showPassword, showPasswordAction);
  on.action(ACTION.deleteImportResults, deleteImportResultsAction);
  on.action(ACTION.cancelJob, cancelJobAction);
  on.action(ACTION.auditNext, auditNextAction);
  on.action(ACTION.importTemplate, (deps) => ({ body }) => ({ after: read('send the sample CSV', () => sendImportTemplate(deps, actorFromBody(body))) }));
  on.action(ACTION.addDomain, addDomainAction);
  on.action(ACTION.verifyDomain, (deps) => domainChangeAction(deps, 'verify'));
  on.action(ACTION.defaultDomain, (deps) => domainChangeAction(deps, 'default'));
  on.action(ACTION.removeDomain, (deps) => domainChangeAction(deps, 'remove'));
  on.action(ACTION.syncNow, syncNowAction);
  on.action(ACTION.disconnect, disconnectAction);

  on.shortcut(SHORTCUT.addUser, (deps) => ({ body }) => {
    const actor = actorFromBody(body);
    return { after: read('open the Add user form', () => openAddUserForm(deps, actor, body.trigger_id)) };
  });
  on.shortcut(SHORTCUT.importCsv, importCsvShortcut);
  registerLifecycleListeners(on);
  registerBulkActionListeners(on);
  registerSeatListeners(on);
  registerScheduleListeners(on);
  registerApprovalListeners(on);

  // A CSV shared where Roster is comes as file_shared; in its DM also as a message (the first
  // one wins). A message typed in the DM gets the short help.
  app.event('file_shared', inWorkspaceOfEvent(deps, fileSharedEvent));
  app.event('message', inWorkspaceOfEvent(deps, directMessageEvent));

  app.event(
    'app_home_opened',
    inWorkspaceOfEvent(deps, (team) => async ({ event }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
      if (event.tab !== 'home') return;
      await afterAck(team, event.user, 'show your App Home', () => team.home.opened(team.teamId, event.user));
    }),
  );
  // Roster removed from a workspace: its token is forgotten and its work stopped (Bolt runs no authorize for these).
  app.event('app_uninstalled', ({ body }) => workspaceRemoved(deps, body, 'app_uninstalled'));
  app.event('tokens_revoked', ({ event, body }) => (event.tokens.bot?.length ? workspaceRemoved(deps, body, 'tokens_revoked') : Promise.resolve()));
  return on.registrations;
}
