import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliRun {
  code?: number;
  stdout: string;
  stderr: string;
}

/** Runs what `npm run roster` runs (the build that `npm ci` and `npm test` made) against a database. */
export function rosterCli(databaseUrl: string, env: Record<string, string> = {}) {
  return (...args: string[]): Promise<CliRun> =>
    run(process.execPath, [path.resolve('dist/src/cli/main.js'), ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, ...env } }).catch(
      (error: CliRun) => error,
    );
}
