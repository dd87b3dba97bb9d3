/** "Add many users from a CSV": reading and validating the file (no database, no Slack). */
export * from './types.js';
export { openImportFile, ImportFileChangedError, ImportReaderStoppedError, formatBytes } from './open-import-file.js';
export { validateImportRow } from './validate-row.js';
export { DuplicateUsernameTracker, duplicateUsernameProblem } from './duplicate-usernames.js';
export { detectDelimiter } from './delimiter.js';
export { sniffBytes, encodeText, decodeWindows1252, encodeWindows1252 } from './text-encoding.js';
export { ADMIN_CENTER_2024_FIELDS, ADMIN_CENTER_2020_FIELDS, adminCenterHeaderLine } from './admin-center-layout.js';
export { ENTRA_TEMPLATE_HEADERS } from './entra-layout.js';
export { DEFAULT_COLUMN_LABELS } from './column-map.js';
