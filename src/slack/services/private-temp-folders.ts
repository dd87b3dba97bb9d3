import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The private temporary folders Roster keeps CSVs of the directory in while it works on them:
 * `roster-import-<pid>-<random>` (a downloaded import file) and `roster-export-<pid>-<random>` (an
 * export being uploaded). The pid in the name tells a restart whose folder it is.
 */
export type TempFolderKind = 'import' | 'export';
const KINDS: readonly TempFolderKind[] = ['import', 'export'];

/** A new folder only this user can enter (mkdtemp makes it 0700), named for its kind and this process. */
export function makePrivateTempFolder(tempDir: string, kind: TempFolderKind): Promise<string> {
  return mkdtemp(path.join(tempDir, `roster-${kind}-${process.pid}-`));
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
 * Deletes the import and export folders a crashed Roster left in `tempDir` (they hold personal
 * data): those last changed before this process started, unless another running process made them
 * (a second Roster on the same machine may be verifying a file or uploading an export right now).
 * Returns how many of each kind it removed.
 */
export async function removeLeftoverTempFolders(tempDir: string, startedAtMs: number = performance.timeOrigin): Promise<Record<`${TempFolderKind}s`, number>> {
  const removed = { imports: 0, exports: 0 };
  const names = await readdir(tempDir).catch(() => [] as string[]);
  for (const name of names) {
    const kind = KINDS.find((k) => name.startsWith(`roster-${k}-`));
    if (!kind) continue;
    const pid = Number(/^roster-[a-z]+-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) continue;
    const dir = path.join(tempDir, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory() || info.mtimeMs >= startedAtMs) continue;
    await rm(dir, { recursive: true, force: true });
    removed[`${kind}s`] += 1;
  }
  return removed;
}
