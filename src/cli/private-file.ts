import { constants } from 'node:fs';
import { type FileHandle, lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export class FileExistsError extends Error {}

export type PrivateFileChunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/**
 * Writes a file only its owner can read (0600), for results that hold temporary passwords and for
 * exports of the directory:
 * - created exclusively (O_EXCL) and never through a symlink (O_NOFOLLOW), so a file or link that
 *   someone else placed at that path never receives the data;
 * - an existing path is refused unless `force`, and then replaced atomically: the data goes to a
 *   new private file beside it, renamed over the old one (a rename replaces a link, never follows it);
 * - the mode is made 0600 on the open file and checked before any data is written, whatever the umask.
 */
export async function writePrivateFile(target: string, data: Buffer | string, options: { force?: boolean } = {}): Promise<void> {
  await writePrivateFileFrom(target, [data], options);
}

/**
 * `writePrivateFile` for data that comes in chunks (an export of 100,000 users): each chunk is
 * written as it comes, so the whole file is never held in memory. A failure while writing (a
 * chunk's producer throwing) deletes the partial file and leaves any existing file untouched.
 */
export async function writePrivateFileFrom(target: string, chunks: PrivateFileChunks, options: { force?: boolean } = {}): Promise<void> {
  const existing = await lstat(target).catch(() => null);
  if (existing && !options.force) throw new FileExistsError(`${target} already exists; choose another --out, or add --force to replace it.`);
  if (existing && !existing.isFile() && !existing.isSymbolicLink()) throw new FileExistsError(`${target} is not a file; choose another --out.`);
  const temporary = existing ? path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`) : target;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) throw new Error(`${temporary} could not be made private (mode ${(mode & 0o777).toString(8)}); nothing was written.`);
    for await (const chunk of chunks) await writeAll(handle, chunk);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  if (temporary !== target) await rename(temporary, target);
}

async function writeAll(handle: FileHandle, chunk: string | Uint8Array): Promise<void> {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
}
