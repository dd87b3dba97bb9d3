/** "Add many users from a CSV": verify, start, run, resume, report (no Slack). */
export * from './import-types.js';
export { verifyImport, PREVIEW_PROBLEMS, type VerifyImportInput } from './verify-import.js';
export { checkImportStart, startImport, resumeImport, cancelImport } from './import-job-actions.js';
export { newInstanceId } from './import-ownership.js';
export { interruptOrphanedImports, IMPORT_JOB } from './import-job.js';
export { interruptedImports, findImportJob, type ImportJobRecord } from './import-job-records.js';
export { runImport, type RunImportOptions } from './run-import.js';
export { importResultsCsv, importSummaryText } from './import-report.js';
export { csvDocument, csvCell } from './csv-out.js';
export { ImportResults } from './import-results.js';
export { DUPLICATE_USERNAME } from './tenant-row-checks.js';
