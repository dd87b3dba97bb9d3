import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { runCli } from '../../src/cli/run-cli.js';

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run roster -- …` in this process (runCli, what src/cli/main.ts runs) on a test database,
 * sharing its connection (two connections in one thread would block each other), with `env` as the
 * command line's environment besides DATABASE_URL and `io.stdin` as standard input (empty by default).
 */
export function rosterCli(db: OpenDatabase & { url: string }, env: Record<string, string> = {}, io: { stdin?: Buffer } = {}) {
  return async (...args: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { DATABASE_URL: db.url, ...env },
      database: db,
      stdin: () => io.stdin ?? Buffer.alloc(0),
    });
    return { code, stdout, stderr };
  };
}

/** The `roster` command: package.json's `bin`, the build's entry point. */
export const ROSTER_BIN = path.resolve((JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { roster: string } }).bin.roster);

/**
 * Runs the `roster` command (package.json `bin`) in its own process, as the shell does: the file
 * itself, through its `#!/usr/bin/env node` line (test/support/fresh-build.ts keeps dist/ fresh).
 * For what only a real process shows (the entry point, exit codes, another process).
 */
export function spawnRosterCli(databaseUrl: string, env: Record<string, string> = {}) {
  return (...args: string[]): Promise<CliRun> =>
    run(ROSTER_BIN, args, { env: { ...process.env, DATABASE_URL: databaseUrl, ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: CliRun) => error,
    );
}
