/** Callback, block and action ids of the delete/restore, guests and Licenses-page surfaces. */
export const LIFECYCLE = {
  deleteUsers: 'roster_delete_users',
  restoreUser: 'roster_restore_user',
  purgeUser: 'roster_purge_user',
  assignProduct: 'roster_assign_product',
  unassignProduct: 'roster_unassign_product',
  /** The user picker of the Licenses page forms (a multi_external_select, type-ahead over findUsers). */
  usersBlock: 'licenseUsers',
  /** The "Apps to turn off" picker of the assign form. */
  appsBlock: 'licenseApps',
  /** Button: list a product's assigned users (value: part number). */
  productUsers: 'roster_product_users',
} as const;

/** Most users the Licenses page forms let you pick at once. */
export { MAX_PICKED_USERS } from '../../core/licenses/product-change.js';
