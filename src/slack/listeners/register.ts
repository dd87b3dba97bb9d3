import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { afterAck } from '../services/after-ack.js';
import { read } from '../services/answer.js';
import { sendImportTemplate } from '../services/send-import-template.js';
import { answering, type Registration } from '../services/answering.js';
import { TEXT_CONDITIONS } from '../../core/views/view-conditions.js';
import { profileValueOptions } from './options/profile-value-options.js';
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

/**
 * Wires every Slack surface to its listener. Listeners are thin: parse, plan with the core, render.
 * Every command, action, options request, shortcut and submission is registered through
 * `answering` (services/answering.ts), which acks for it (services/answer.ts).
 * Events are acked by Bolt itself, before any listener runs (App.processEvent acks every Events
 * API request but function_executed first); what they do follows that ack.
 */
export function registerListeners(app: App, deps: ListenerDeps): readonly Registration[] {
  const on = answering(app, deps);
  on.command('/users', usersCommand(deps));
  on.command('/licenses', licensesCommand(deps));

  on.view(CALLBACK.setup, setupSubmission(deps));
  on.view(CALLBACK.addUser, addUserSubmission(deps));
  on.view(CALLBACK.addUserReview, addUserFinishSubmission(deps));
  on.view(CALLBACK.addUserDone, addAnotherUserSubmission(deps));
  on.view(CALLBACK.buyLicenses, buyLicensesSubmission(deps));
  on.view(CALLBACK.importUpload, importUploadSubmission(deps));
  on.view(CALLBACK.importSettings, importSettingsSubmission(deps));
  on.view(CALLBACK.importResumeConfirm, resumeTakeoverSubmission(deps));
  on.view(CALLBACK.addManyUsers, addManyUsersSubmission(deps));
  on.view(CALLBACK.editUser, editUserSubmission(deps));
  on.view(CALLBACK.editMany, editManySubmission(deps));
  on.view(CALLBACK.blockUser, signInSubmission(deps, true));
  on.view(CALLBACK.unblockUser, signInSubmission(deps, false));
  on.view(CALLBACK.resetPassword, resetPasswordSubmission(deps));
  on.view(CALLBACK.customView, customViewSubmission(deps));
  on.view(CALLBACK.deleteCustomView, deleteViewSubmission(deps));
  on.view(CALLBACK.addDomain, addDomainSubmission(deps));
  on.view(CALLBACK.seatWarning, seatWarningSubmission(deps));
  on.view(CALLBACK.connect, connectSubmission(deps));
  on.view(CALLBACK.connectReview, connectReviewSubmission(deps));

  on.action(ACTION.openAddUser, openAddUserAction(deps));
  on.action(ACTION.addUserBack, addUserBackAction(deps));
  on.action({ type: 'block_actions', block_id: 'passwordMode', action_id: VALUE }, addUserFormChanged(deps));
  // Products chosen: the form they are in (Add user, Edit many, import settings) comes back with an apps picker for each.
  on.action({ type: 'block_actions', block_id: 'licenses', action_id: VALUE }, productsChosen(deps));
  // The usage location picker (Add user and import settings) loads its countries when opened or typed in.
  on.options({ type: 'block_suggestion', block_id: 'usageLocation', action_id: VALUE }, ({ payload }) => ({
    reply: usageLocationOptions(payload.value ?? ''),
  }));
  for (const field of TEXT_CONDITIONS) on.options({ type: 'block_suggestion', block_id: field, action_id: VALUE }, profileValueOptions(deps, field));
  on.action(ACTION.openSetup, openSetupAction(deps));
  on.action(ACTION.openBuyLicenses, openBuyLicensesAction(deps));
  on.action(ACTION.refreshHome, refreshHomeAction(deps));
  on.action(ACTION.importChooseSettings, chooseImportSettingsAction(deps));
  on.action(ACTION.importCancel, cancelImportAction(deps));
  on.action(ACTION.importResume, resumeImportAction(deps));
  on.action(new RegExp(`^${ACTION.importBuyLicenses}(_\\d+)?$`), buyForImportAction(deps));
  on.action(ACTION.openAddMany, addManyFormAction(deps, 'open'));
  on.action(ACTION.addManyRow, addManyFormAction(deps, 'row'));
  on.action(ACTION.editUser, editUserAction(deps));
  on.action(ACTION.editSelected, editSelectedAction(deps));
  on.options({ type: 'block_suggestion', block_id: 'users', action_id: VALUE }, userPickerOptions(deps));
  // User lists; a row's menu opens the edit, licenses, block, reset or delete form for that user.
  on.action(ACTION.userRowAction, userRowAction(deps));
  on.action(ACTION.listView, listViewChosen(deps));
  on.action(new RegExp(`^${ACTION.listPage}_(prev|next)$`), listPageChosen(deps));
  on.action(ACTION.listExport, exportAction(deps));
  on.action(new RegExp(`^${ACTION.openView}(_\\d+)?$`), openViewAction(deps));
  on.action(ACTION.openViews, openViewsAction(deps));
  on.action(ACTION.newView, newViewAction(deps));
  on.action(ACTION.editView, customViewMenu(deps));
  on.action(ACTION.seatWarning, openSeatWarningAction(deps));
  // Ticking a row's checkbox changes nothing yet: "Edit selected" reads the ticked rows from the message.
  on.action({ type: 'block_actions', action_id: 'select' }, () => ({}));
  on.action(ACTION.showPassword, showPasswordAction(deps));
  on.action(ACTION.deleteImportResults, deleteImportResultsAction(deps));
  on.action(ACTION.cancelJob, cancelJobAction(deps));
  on.action(ACTION.auditNext, auditNextAction(deps));
  on.action(ACTION.importTemplate, ({ body }) => ({ after: read('send the sample CSV', () => sendImportTemplate(deps, actorFromBody(body))) }));
  on.action(ACTION.addDomain, addDomainAction(deps));
  on.action(ACTION.verifyDomain, domainChangeAction(deps, 'verify'));
  on.action(ACTION.defaultDomain, domainChangeAction(deps, 'default'));
  on.action(ACTION.removeDomain, domainChangeAction(deps, 'remove'));
  on.action(ACTION.syncNow, syncNowAction(deps));
  on.action(ACTION.disconnect, disconnectAction(deps));

  on.shortcut(SHORTCUT.addUser, ({ body }) => {
    const actor = actorFromBody(body);
    return { after: read('open the Add user form', () => openAddUserForm(deps, actor, body.trigger_id)) };
  });
  on.shortcut(SHORTCUT.importCsv, importCsvShortcut(deps));
  registerLifecycleListeners(on, deps);
  registerBulkActionListeners(on, deps);
  registerSeatListeners(on, deps);

  // A CSV shared where Roster is comes as file_shared; in its DM also as a message (the first
  // one wins). A message typed in the DM gets the short help.
  app.event('file_shared', fileSharedEvent(deps));
  app.event('message', directMessageEvent(deps));

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id ?? '';
    await afterAck(deps, event.user, 'show your App Home', () => deps.home.opened(teamId, event.user));
  });
  return on.registrations;
}
