import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Operation, WorkerMessage } from './operation-worker.js';

/**
 * Roster processes on one database for concurrency tests, started once and given plans again and
 * again (a process starts in about a second; a plan runs in milliseconds): `run` hands each
 * process its plan, waits until every one holds it, then tells all to go at once, and resolves
 * with each process's outcomes (operation-worker.ts).
 */
export class OperationProcesses {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(url: string, count: number): Promise<OperationProcesses> {
    const children = Array.from({ length: count }, () =>
      fork(path.resolve('test/support/operation-worker.ts'), [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const processes = new OperationProcesses(children);
    await Promise.all(children.map((child) => processes.next(child, (message) => message === 'ready')));
    return processes;
  }

  async run(plans: Operation[][], domain: string): Promise<string[][]> {
    if (plans.length !== this.children.length) throw new Error(`${plans.length} plans for ${this.children.length} processes`);
    const ready = this.children.map((child) => this.next(child, (message) => message === 'ready'));
    this.children.forEach((child, i) => this.send(child, { plan: plans[i]!, domain }));
    await Promise.all(ready);
    const done = this.children.map((child) => this.next(child, (message): message is { outcomes: string[] } => typeof message === 'object'));
    for (const child of this.children) this.send(child, 'go');
    return (await Promise.all(done)).map((message) => (message as { outcomes: string[] }).outcomes);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        this.send(child, 'exit');
        await exited;
      }),
    );
  }

  private send(child: ChildProcess, message: WorkerMessage): void {
    child.send(message);
  }

  /** The child's next message that `wanted` accepts; rejects if it exits first. */
  private next(child: ChildProcess, wanted: (message: unknown) => boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (!wanted(message)) return;
        cleanup();
        resolve(message);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`an operation process exited (code ${code}) before answering`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}
