import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { afterAck } from '../services/after-ack.js';
import { openAddUserForm } from '../services/open-forms.js';
import { ACTION, CALLBACK, SHORTCUT, VALUE } from '../views/ids.js';
import { addUserFormChanged } from './actions/add-user-form-actions.js';
import { usageLocationOptions } from '../views/usage-location.js';
import { openAddUserAction, openBuyLicensesAction, openSetupAction, refreshHomeAction } from './actions/home-actions.js';
import {
  cancelImportAction,
  chooseImportSettingsAction,
  importLicenseChanged,
  resumeImportAction,
  resumeTakeoverSubmission,
} from './actions/import-actions.js';
import {
  customViewMenu,
  exportAction,
  listPageChosen,
  listViewChosen,
  newViewAction,
  openViewAction,
  openViewsAction,
  rowTicked,
} from './actions/user-list-actions.js';
import { openSeatWarningAction, seatWarningSubmission } from './views/seat-warning-listeners.js';
import { customViewSubmission } from './views/custom-view-submission.js';
import { showPasswordAction } from './actions/credential-actions.js';
import { deleteImportResultsAction } from './actions/import-results-actions.js';
import { licensesCommand } from './commands/licenses-command.js';
import { usersCommand } from './commands/users-command.js';
import { directMessageEvent } from './events/direct-message-event.js';
import { fileSharedEvent } from './events/file-events.js';
import { importCsvShortcut } from './shortcuts/import-shortcut.js';
import { addUserSubmission } from './views/add-user-submission.js';
import { buyLicensesSubmission } from './views/buy-licenses-submission.js';
import { importSettingsSubmission, importUploadSubmission } from './views/import-submissions.js';
import { setupSubmission } from './views/setup-submission.js';
import { actorFromBody } from '../parse/actor.js';
import { editSelectedAction, editUserAction, userPickerOptions } from './actions/user-change-actions.js';
import { editManySubmission, editUserSubmission, resetPasswordSubmission, signInSubmission } from './views/user-change-submissions.js';
import { registerLifecycleListeners } from './lifecycle-listeners.js';
import { userRowAction } from './actions/user-row-actions.js';

/** Wires every Slack surface to its listener. Listeners are thin: parse, call the core, render. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command('/users', usersCommand(deps));
  app.command('/licenses', licensesCommand(deps));

  app.view(CALLBACK.setup, setupSubmission(deps));
  app.view(CALLBACK.addUser, addUserSubmission(deps));
  app.view(CALLBACK.buyLicenses, buyLicensesSubmission(deps));
  app.view(CALLBACK.importUpload, importUploadSubmission(deps));
  app.view(CALLBACK.importSettings, importSettingsSubmission(deps));
  app.view(CALLBACK.importResumeConfirm, resumeTakeoverSubmission(deps));
  app.view(CALLBACK.editUser, editUserSubmission(deps));
  app.view(CALLBACK.editMany, editManySubmission(deps));
  app.view(CALLBACK.blockUser, signInSubmission(deps, true));
  app.view(CALLBACK.unblockUser, signInSubmission(deps, false));
  app.view(CALLBACK.resetPassword, resetPasswordSubmission(deps));
  app.view(CALLBACK.customView, customViewSubmission(deps));
  app.view(CALLBACK.seatWarning, seatWarningSubmission(deps));

  app.action(ACTION.openAddUser, openAddUserAction(deps));
  app.action({ type: 'block_actions', block_id: 'passwordMode', action_id: VALUE }, addUserFormChanged(deps));
  app.action({ type: 'block_actions', block_id: 'licenses', action_id: VALUE }, addUserFormChanged(deps));
  app.action({ type: 'block_actions', block_id: 'license', action_id: VALUE }, importLicenseChanged(deps));
  // The usage location picker (Add user and import settings) loads its countries when opened or typed in.
  app.options<'block_suggestion'>({ type: 'block_suggestion', block_id: 'usageLocation', action_id: VALUE }, async ({ ack, payload }) => {
    await ack(usageLocationOptions(payload.value ?? ''));
  });
  app.action(ACTION.openSetup, openSetupAction(deps));
  app.action(ACTION.openBuyLicenses, openBuyLicensesAction(deps));
  app.action(ACTION.refreshHome, refreshHomeAction(deps));
  app.action(ACTION.importChooseSettings, chooseImportSettingsAction(deps));
  app.action(ACTION.importCancel, cancelImportAction(deps));
  app.action(ACTION.importResume, resumeImportAction(deps));
  app.action(ACTION.editUser, editUserAction(deps));
  app.action(ACTION.editSelected, editSelectedAction(deps));
  app.options<'block_suggestion'>({ type: 'block_suggestion', block_id: 'users', action_id: VALUE }, userPickerOptions(deps));
  // User lists; a row's menu opens the edit, licenses, block, reset or delete form for that user.
  app.action(ACTION.userRowAction, userRowAction(deps));
  app.action(ACTION.listView, listViewChosen(deps));
  app.action(new RegExp(`^${ACTION.listPage}_(prev|next)$`), listPageChosen(deps));
  app.action(ACTION.listExport, exportAction(deps));
  app.action(new RegExp(`^${ACTION.openView}(_\\d+)?$`), openViewAction(deps));
  app.action(ACTION.openViews, openViewsAction(deps));
  app.action(ACTION.newView, newViewAction(deps));
  app.action(ACTION.editView, customViewMenu(deps));
  app.action(ACTION.seatWarning, openSeatWarningAction(deps));
  app.action({ type: 'block_actions', action_id: 'select' }, rowTicked());
  app.action(ACTION.showPassword, showPasswordAction(deps));
  app.action(ACTION.deleteImportResults, deleteImportResultsAction(deps));

  app.shortcut(SHORTCUT.addUser, async ({ ack, body }) => {
    await ack();
    const actor = actorFromBody(body);
    await afterAck(deps, actor.slackUserId, 'open the Add user form', () => openAddUserForm(deps, actor, body.trigger_id));
  });

  app.shortcut(SHORTCUT.importCsv, importCsvShortcut(deps));
  registerLifecycleListeners(app, deps);

  // A CSV shared where Roster is comes as file_shared; in its DM also as a message (the first
  // one wins). A message typed in the DM gets the short help.
  app.event('file_shared', fileSharedEvent(deps));
  app.event('message', directMessageEvent(deps));

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id ?? '';
    await afterAck(deps, event.user, 'show your App Home', () => deps.home.opened(teamId, event.user));
  });
}
