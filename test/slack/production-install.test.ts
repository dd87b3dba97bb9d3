import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startFakeSlack } from '../support/fake-slack-api.js';

const dir = mkdtempSync(path.join(tmpdir(), 'roster-prod-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What `npm ci --omit=dev` leaves: the project's files and only the packages package-lock.json does
 * not mark `dev` (linked from this checkout's node_modules, so nothing is downloaded or compiled
 * again). Then its postinstall, as npm runs it, and `npm start`.
 */
function productionCopy(): void {
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.emit.json'])
    copyFileSync(file, path.join(dir, file));
  for (const folder of ['scripts', 'prisma']) cpSync(folder, path.join(dir, folder), { recursive: true });
  cpSync('src', path.join(dir, 'src'), { recursive: true, filter: (source) => !source.includes(`${path.sep}generated`) });
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; bin?: Record<string, string> }> };
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.startsWith('node_modules/') || where.lastIndexOf('node_modules/') !== 0 || entry.dev) continue;
    const target = path.join(dir, where);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(path.resolve(where), target, 'dir');
    for (const [name, file] of Object.entries(entry.bin ?? {})) symlinkSync(path.resolve(where, file), path.join(dir, 'node_modules', '.bin', name));
  }
}

it('npm ci --omit=dev && npm start: the install compiles Roster without the dev tools, and it starts and reports ready', { timeout: 120_000 }, async () => {
  productionCopy();
  expect(existsSync(path.join(dir, 'node_modules', 'prisma'))).toBe(false);
  expect(existsSync(path.join(dir, 'node_modules', 'vitest'))).toBe(false);
  const install = spawnSync('npm', ['run', 'postinstall'], { cwd: dir, encoding: 'utf8' });
  expect(install.status, install.stdout + install.stderr).toBe(0);
  expect(install.stdout).toContain('roster: production install: compiling into dist/');
  expect(existsSync(path.join(dir, 'dist', 'src', 'main.js'))).toBe(true);

  const fake = await startFakeSlack();
  try {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && key !== 'DATABASE_URL' && key !== 'NODE_OPTIONS'),
    );
    const child = spawn('npm', ['start'], {
      cwd: dir,
      env: {
        ...clean,
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
        DATABASE_URL: `file:${path.join(dir, 'data', 'roster.db')}`,
      },
    });
    let output = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Roster is ready')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', () => resolve(false));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(ready, output).toBe(true);
  } finally {
    await fake.close();
  }
});
