import { BULK_ACTIONS, type BulkAction } from '../../core/users/bulk-action-input.js';

/** Ids of the bulk actions' surfaces: the buttons under a list, the confirmation modal, the deleted list's rows. */
export const BULK = {
  /** A button under a list's ticked rows: one action id per action (a block's action ids must differ). */
  button: (action: BulkAction) => `roster_bulk_${action}`,
  /** Matches every bulk button, the action in its first group. */
  buttons: new RegExp(`^roster_bulk_(${BULK_ACTIONS.join('|')})$`),
  /** The confirmation modal (private_metadata: the action and the user ids). */
  confirm: 'roster_bulk_confirm',
  /** Block ids of the deleted list's checkboxes (action id `select`, as the user list's `user_rows…`). */
  deletedRows: 'deleted_rows',
  /** Block ids of the user list's checkboxes (user-list.ts). */
  userRows: 'user_rows',
} as const;
