/** Callback and action ids shared by the views that set them and the listeners that receive them. */
export const CALLBACK = {
  setup: 'roster_setup',
  addUser: 'roster_add_user',
  addUserDone: 'roster_add_user_done',
  buyLicenses: 'roster_buy_licenses',
  importUpload: 'roster_import_upload',
  importSettings: 'roster_import_settings',
} as const;

export const ACTION = {
  openAddUser: 'roster_open_add_user',
  openSetup: 'roster_open_setup',
  openBuyLicenses: 'roster_open_buy_licenses',
  refreshHome: 'roster_refresh_home',
  importChooseSettings: 'roster_import_choose_settings',
  importCancel: 'roster_import_cancel',
  importResume: 'roster_import_resume',
  showPassword: 'roster_show_password',
  deleteImportResults: 'roster_delete_import_results',
} as const;

export const SHORTCUT = {
  addUser: 'roster_add_user_shortcut',
  importCsv: 'roster_import_csv_shortcut',
} as const;

/** The action id of every input element: block ids carry the field name, so one action id is enough. */
export const VALUE = 'value';
