import { rm } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../core/import/index.js';
import type { ListenerDeps } from '../deps.js';
import type { SlackFileInfo } from '../slack-port.js';
import { FileTooLargeError } from '../web-api-port.js';
import { makePrivateTempFolder } from './private-temp-folders.js';

/** A problem with an uploaded file that the person can fix; its message is shown as is. */
export class ImportFileProblem extends Error {}

/** A CSV is a file named *.csv or one Slack types as csv. */
export function isCsvFile(file: { name?: string | null; filetype?: string | null }): boolean {
  return /\.csv$/i.test(file.name ?? '') || (file.filetype ?? '').toLowerCase() === 'csv';
}

/** `hires.csv` → `hires-<suffix>.csv`. */
export function derivedFileName(fileName: string, suffix: string): string {
  return `${fileName.replace(/\.csv$/i, '') || 'import'}-${suffix}.csv`;
}

/**
 * Downloads a Slack file into its own temporary folder, streaming, and refusing it once it passes
 * the byte limit; runs `work` on it and deletes the folder whatever happens.
 */
export async function withDownloadedFile<T>(deps: ListenerDeps, file: SlackFileInfo, work: (filePath: string) => Promise<T>): Promise<T> {
  const { maxBytes } = deps.imports.limits;
  const tooLarge = (size: string) =>
    new ImportFileProblem(`${file.name} is ${size}; the most Roster reads is ${formatBytes(maxBytes)}. Split it into smaller files.`);
  if (file.size > maxBytes) throw tooLarge(formatBytes(file.size));
  if (!file.downloadUrl) throw new ImportFileProblem(`Slack gives no download link for ${file.name}; upload it again as a file (not a link).`);
  const dir = await makePrivateTempFolder(deps.imports.tempDir, 'import');
  try {
    const filePath = path.join(dir, 'upload.csv');
    try {
      await deps.slack.downloadFile(file.downloadUrl, filePath, maxBytes);
    } catch (error) {
      if (error instanceof FileTooLargeError) throw tooLarge(`over ${formatBytes(maxBytes)}`);
      throw error;
    }
    return await work(filePath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
