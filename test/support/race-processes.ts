import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { RaceOperation } from './race-worker.js';

/**
 * Runs each plan in its own Node process on the database at `url`, started together: every process
 * opens the database and says it is ready, then all are told to go at once. Resolves with each
 * process's outcomes (true where the operation succeeded).
 */
export async function raceProcesses(url: string, plans: RaceOperation[][]): Promise<boolean[][]> {
  const children: ChildProcess[] = plans.map((plan) =>
    fork(path.resolve('test/support/race-worker.ts'), [url, JSON.stringify(plan)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const results = children.map(
    (child) =>
      new Promise<boolean[]>((resolve, reject) => {
        child.on('message', (message) => {
          if (typeof message === 'object' && message && 'outcomes' in message) resolve((message as { outcomes: boolean[] }).outcomes);
        });
        child.once('exit', (code) => reject(new Error(`a race process exited with code ${code} before reporting`)));
      }),
  );
  await Promise.all(children.map((child) => once(child, 'message')));
  for (const child of children) child.send('go');
  return Promise.all(results);
}
