import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../core/import/index.js';
import type { ListenerDeps } from '../deps.js';
import type { SlackFileInfo } from '../slack-port.js';
import { FileTooLargeError } from '../web-api-port.js';

/** A problem with an uploaded file that the person can fix; its message is shown as is. */
export class ImportFileProblem extends Error {}

/** Each download's folder: `roster-import-<pid>-<random>`, so a restart knows whose it is. */
const DOWNLOAD_PREFIX = 'roster-import-';

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
  const dir = await mkdtemp(path.join(deps.imports.tempDir, `${DOWNLOAD_PREFIX}${process.pid}-`));
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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the download folders a crashed Roster left in `tempDir` (they hold personal data): those
 * last changed before this process started, unless another running process made them (a second
 * Roster on the same machine may be verifying a file right now). Returns how many it removed.
 */
export async function removeLeftoverDownloads(tempDir: string, startedAtMs: number = performance.timeOrigin): Promise<number> {
  const names = await readdir(tempDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(DOWNLOAD_PREFIX)) continue;
    const pid = Number(/^roster-import-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) continue;
    const dir = path.join(tempDir, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory() || info.mtimeMs >= startedAtMs) continue;
    await rm(dir, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
