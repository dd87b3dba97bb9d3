/** Callback and action ids shared by the views that set them and the listeners that receive them. */
export const CALLBACK = {
  setup: 'roster_setup',
  addUser: 'roster_add_user',
  addUserDone: 'roster_add_user_done',
  /** Add user's last step: what will be created, Back and Finish (the answers sealed in private_metadata). */
  addUserReview: 'roster_add_user_review',
  buyLicenses: 'roster_buy_licenses',
  importUpload: 'roster_import_upload',
  importSettings: 'roster_import_settings',
  importResumeConfirm: 'roster_import_resume_confirm',
  addManyUsers: 'roster_add_many_users',
  editUser: 'roster_edit_user_form',
  editMany: 'roster_edit_many_form',
  blockUser: 'roster_block_user_form',
  unblockUser: 'roster_unblock_user_form',
  resetPassword: 'roster_reset_password_form',
  customView: 'roster_custom_view',
  deleteCustomView: 'roster_delete_custom_view',
  addDomain: 'roster_add_domain_form',
  seatWarning: 'roster_seat_warning',
  connect: 'roster_connect',
  connectReview: 'roster_connect_review',
} as const;

export const ACTION = {
  openAddUser: 'roster_open_add_user',
  /** Back on the Add user review: the form again, filled in as it was. */
  addUserBack: 'roster_add_user_back',
  openSetup: 'roster_open_setup',
  openBuyLicenses: 'roster_open_buy_licenses',
  refreshHome: 'roster_refresh_home',
  importChooseSettings: 'roster_import_choose_settings',
  importCancel: 'roster_import_cancel',
  importResume: 'roster_import_resume',
  /** "Buy N more" on an import preview whose seats are short (value: `<job id> <sku id>`). */
  importBuyLicenses: 'roster_import_buy_licenses',
  /** "Add several users" (in the Add user form) and "Add another user" (a row more in that form; value: how many rows). */
  openAddMany: 'roster_open_add_many',
  addManyRow: 'roster_add_many_row',
  /** "Edit" beside a user (value: the user id). */
  editUser: 'roster_edit_user',
  /** "Edit selected" under a list whose rows have checkboxes (block ids `user_rows…`, action `select`). */
  editSelected: 'roster_edit_selected',
  // User lists (/users list, find, views). The row menu and "Edit selected" are handled by the edit flows.
  userRowAction: 'roster_user_row_action',
  listView: 'roster_list_view',
  listPage: 'roster_list_page',
  listExport: 'roster_list_export',
  openViews: 'roster_open_views',
  newView: 'roster_new_view',
  editView: 'roster_edit_view',
  deleteView: 'roster_delete_view',
  openView: 'roster_open_view',
  seatWarning: 'roster_seat_warning',
  showPassword: 'roster_show_password',
  deleteImportResults: 'roster_delete_import_results',
  /** "Cancel" beside a job in `/users jobs` (value: the job id). */
  cancelJob: 'roster_cancel_job',
  auditNext: 'roster_audit_next',
  importTemplate: 'roster_import_template',
  addDomain: 'roster_add_domain',
  verifyDomain: 'roster_verify_domain',
  defaultDomain: 'roster_default_domain',
  removeDomain: 'roster_remove_domain',
  /** "Sync now" under `/users connect`. */
  syncNow: 'roster_sync_now',
  disconnect: 'roster_disconnect',
} as const;

export const SHORTCUT = {
  addUser: 'roster_add_user_shortcut',
  importCsv: 'roster_import_csv_shortcut',
} as const;

/** The action id of every input element: block ids carry the field name, so one action id is enough. */
export const VALUE = 'value';
