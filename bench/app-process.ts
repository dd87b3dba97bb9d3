/**
 * Spawning a server under test (Roster, or the bare Bolt baseline) as its own process, waiting
 * until `GET /healthz` answers 200, reading its CPU time, and stopping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * How the app is started. `compiled` is what `npm start` runs (the build made by `npm ci`), minus
 * npm; `tsx-cli` is `npm run dev`; `node-import` runs sources through tsx without its relay process.
 */
export type Launcher = 'compiled' | 'tsx-cli' | 'node-import';

export const LAUNCHERS: Record<Launcher, { label: string; command: (script: string, nodeFlags: string[]) => [string, string[]] }> = {
  compiled: {
    label: 'node dist/src/main.js (what `npm start` runs)',
    command: (script, nodeFlags) => [process.execPath, [...nodeFlags, script]],
  },
  'tsx-cli': {
    label: 'node_modules/.bin/tsx src/main.ts (`npm run dev`)',
    command: (script, nodeFlags) => [path.join(ROOT, 'node_modules/.bin/tsx'), [...nodeFlags, script]],
  },
  'node-import': {
    label: 'node --import tsx src/main.ts',
    command: (script, nodeFlags) => [process.execPath, [...nodeFlags, '--import', 'tsx', script]],
  },
};

export interface AppProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  /** Spawn → first 200 from GET /healthz, in ms. */
  readonly readyMs: number;
  /** The process's own log file (stdout). */
  readonly logFile: string;
  /** Parsed JSON log lines whose message matches. */
  logLines(message: string): Record<string, unknown>[];
  /** CPU time (user + system) the process has used so far, in ms; undefined when /proc cannot tell. */
  cpuMs(): number | undefined;
  /** SIGTERM to the spawned process, then SIGKILL of its process group after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL of its process group at once (a crash); resolves once it is gone. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Never leave a server behind if the bench dies: kill the process groups we started (by id). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      process.exit(130);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the group we created with detached: true
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** A port nobody listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One GET /healthz; resolves with the status (0 when nothing answers). Roster's startup probe
 * (src/slack/startup-probe.ts) answers 200 while it is still migrating and starting, with a body
 * that says `"starting"`: that counts as not up yet (0), the app itself answers next.
 */
function healthz(port: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body.includes('"starting"') ? 0 : (res.statusCode ?? 0)));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface SpawnOptions {
  script: string;
  launcher: Launcher;
  env: Record<string, string>;
  /** Where stdout/stderr go (files, so the app never waits on the bench to read a pipe). */
  logDir: string;
  name: string;
  nodeFlags?: string[];
  pollMs?: number;
  readyTimeoutMs?: number;
}

/**
 * Spawns the server with PORT set to a free port and polls GET /healthz every `pollMs` until it
 * answers 200 (or the process exits, or `readyTimeoutMs` passes: then it throws with the log tail).
 */
export async function spawnServer(o: SpawnOptions): Promise<AppProcess> {
  installExitHook();
  const port = await freePort();
  const logFile = path.join(o.logDir, `${o.name}.out.log`);
  const errFile = path.join(o.logDir, `${o.name}.err.log`);
  const out = openSync(logFile, 'w');
  const err = openSync(errFile, 'w');
  const [command, args] = LAUNCHERS[o.launcher].command(o.script, o.nodeFlags ?? []);
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...o.env, PORT: String(port) },
    stdio: ['ignore', out, err],
    detached: true,
  });
  closeSync(out);
  closeSync(err);
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => running.delete(child)).catch(() => undefined);

  const pollMs = o.pollMs ?? 10;
  const deadline = started + (o.readyTimeoutMs ?? 30_000);
  let readyMs: number | undefined;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const attempt = performance.now();
    if ((await healthz(port, 1000)) === 200) {
      readyMs = performance.now() - started;
      break;
    }
    await sleep(Math.max(0, pollMs - (performance.now() - attempt)));
  }
  const tail = () => `${readTail(logFile)}\n${readTail(errFile)}`.trim();
  if (readyMs === undefined) {
    killGroup(child, 'SIGKILL');
    await Promise.race([exited, sleep(2000)]);
    throw new Error(`${o.name} did not answer GET /healthz with 200 within ${o.readyTimeoutMs ?? 30_000} ms (exit code ${child.exitCode}). Log:\n${tail()}`);
  }

  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    readyMs,
    logFile,
    logLines: (message) => parseLines(logFile).filter((line) => line.message === message),
    cpuMs: () => processTreeCpuMs(child.pid),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      // Only the process we spawned, like `kill <pid>`: the tsx CLI relays it to the app; a
      // second SIGTERM sent to the whole group would hit the app after its once() handler.
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(graceMs).then(() => 'timeout' as const)]);
      if (code !== 'timeout') return code;
      killGroup(child, 'SIGKILL');
      return Promise.race([exited, sleep(2000).then(() => null)]);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    },
  };
}

function readTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function parseLines(file: string): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* not a log record */
    }
  }
  return out;
}

/** Waits (bounded) until a log line with `message` appears. */
export async function waitForLogLine(app: AppProcess, message: string, timeoutMs = 2000): Promise<Record<string, unknown> | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const found = app.logLines(message)[0];
    if (found) return found;
    await sleep(10);
  }
  return undefined;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process and its descendants (the tsx CLI runs the app as its child), from /proc. */
function processTreeCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  let total = 0;
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0 && seen.size < 64) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    try {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * (1000 / TICKS_PER_SECOND); // utime, stime
    } catch {
      if (current === pid) return undefined;
      continue;
    }
    try {
      const children = readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim();
      if (children) stack.push(...children.split(/\s+/).map(Number));
    } catch {
      /* no children file: count this process only */
    }
  }
  return total;
}
