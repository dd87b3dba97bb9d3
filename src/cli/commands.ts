import { ADMIN_COMMANDS } from './admin-commands.js';
import { AUDIT_COMMAND } from './audit-command.js';
import type { CommandSpec } from './command-tree.js';
import { COMPLETION_COMMAND } from './completion.js';
import { CONNECT_COMMANDS } from './connect-commands.js';
import { IMPORT_COMMAND } from './import-commands.js';
import { LICENSES_COMMANDS } from './licenses-commands.js';
import { LICENSES_SEAT_COMMANDS } from './licenses-seat-commands.js';
import { LIST_COMMANDS } from './list-commands.js';
import { COPY_DATABASE_COMMAND } from './copy-database-command.js';
import { MIGRATE_COMMAND } from './migrate-command.js';
import { SCHEDULE_COMMANDS } from './schedule-commands.js';
import { APPROVAL_COMMANDS } from './approval-commands.js';
import { SETTINGS_COMMANDS } from './settings-commands.js';
import { SETUP_COMMAND } from './setup-command.js';
import { USERS_COMMANDS } from './users-commands.js';
import { USERS_EDIT_COMMANDS } from './users-edit-commands.js';
import { USERS_BULK_COMMANDS } from './users-bulk-commands.js';
import { VIEWS_COMMANDS } from './views-commands.js';

/** Every command of `roster`, in the order `roster --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  SETUP_COMMAND,
  ...SETTINGS_COMMANDS,
  ...CONNECT_COMMANDS,
  ...USERS_COMMANDS.slice(0, 2),
  ...USERS_EDIT_COMMANDS,
  ...USERS_BULK_COMMANDS,
  ...SCHEDULE_COMMANDS,
  ...APPROVAL_COMMANDS,
  ...USERS_COMMANDS.slice(2),
  ...LIST_COMMANDS,
  ...VIEWS_COMMANDS,
  ...LICENSES_COMMANDS,
  ...LICENSES_SEAT_COMMANDS,
  IMPORT_COMMAND,
  ...ADMIN_COMMANDS,
  AUDIT_COMMAND,
  MIGRATE_COMMAND,
  COPY_DATABASE_COMMAND,
  COMPLETION_COMMAND,
];
