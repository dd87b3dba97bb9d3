import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The 32-byte AES-256 key that seals pending credentials (see SECURITY.md "Pending credentials"). */
export const KEY_BYTES = 32;

export const SECRET_KEY_FORMAT = `must be ${KEY_BYTES} random bytes written as 64 hexadecimal characters or in base64 (make one with \`openssl rand -base64 32\`)`;

/** Reads ROSTER_SECRET_KEY's text: 64 hex characters, or base64 of exactly 32 bytes; null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  return bytes.length === KEY_BYTES ? bytes : null;
}

export class SecretKeyProblem extends Error {}

/** Where Roster keeps its own key when ROSTER_SECRET_KEY is not set: beside the database file. */
export function keyFilePath(databasePath: string): string {
  return path.join(path.dirname(databasePath), `${path.basename(databasePath)}.secret-key`);
}

/**
 * The key file next to the database: read when it exists, else created with mode 0600. Created
 * exclusively (O_EXCL: never over a file another process made meanwhile) and opened with
 * O_NOFOLLOW, so a symlink planted at its path is refused rather than followed. A file others can
 * read, or that is not a key, stops Roster with a sentence saying what to do.
 */
export function loadOrCreateKeyFile(file: string): Buffer {
  try {
    return readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw explain(error, file);
  }
  const key = randomBytes(KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw explain(error, file);
  }
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

function readKeyFile(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SecretKeyProblem(`The key file ${file} is not a regular file. Remove it (Roster makes a new one) or set ROSTER_SECRET_KEY.`);
    if ((stat.mode & 0o077) !== 0) {
      throw new SecretKeyProblem(
        `The key file ${file} can be read by other accounts (mode ${(stat.mode & 0o777).toString(8)}). Run \`chmod 600 ${file}\` and start again.`,
      );
    }
    const key = parseSecretKey(readFileSync(fd, 'utf8'));
    if (!key)
      throw new SecretKeyProblem(
        `The key file ${file} does not hold a key (it ${SECRET_KEY_FORMAT}). Restore it from a backup, or remove it: pending passwords are then lost.`,
      );
    return key;
  } finally {
    closeSync(fd);
  }
}

function explain(error: unknown, file: string): Error {
  if (error instanceof SecretKeyProblem) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return new SecretKeyProblem(`The key file ${file} is a symbolic link; Roster does not follow one there. Remove it, or set ROSTER_SECRET_KEY.`);
  return new SecretKeyProblem(`Roster cannot use the key file ${file} (${code ?? 'error'}). Check the folder's permissions, or set ROSTER_SECRET_KEY.`);
}

/** Why a PostgreSQL database needs ROSTER_SECRET_KEY (loadEnv says it at start; the runtime if it was not checked). */
export const POSTGRES_NEEDS_SECRET_KEY =
  'is needed with a PostgreSQL DATABASE_URL: there is no database file to keep a key beside, and every instance must seal with the same key';

/**
 * The key: ROSTER_SECRET_KEY when given, else the key file beside the SQLite database (in memory
 * for an in-memory database). A database that is no file (PostgreSQL, `databasePath` null) needs the variable.
 */
export function resolveSecretKey(fromEnv: Buffer | undefined, databasePath: string | null): Buffer {
  if (fromEnv) return fromEnv;
  if (databasePath === null) throw new SecretKeyProblem(`ROSTER_SECRET_KEY (or ROSTER_SECRET_KEY_FILE) ${POSTGRES_NEEDS_SECRET_KEY}.`);
  if (databasePath === ':memory:') return randomBytes(KEY_BYTES);
  return loadOrCreateKeyFile(keyFilePath(databasePath));
}
