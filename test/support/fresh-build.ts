/**
 * vitest.config.ts `globalSetup`: some tests run the build (dist/) as `npm start` and `npm run roster`
 * would. Before any test runs, the build is made again (`npm run build:emit`, a few seconds, no type
 * check) when a file of src/ is newer than what it compiles to or has nothing compiled, so that a
 * plain `npx vitest run` never tests a stale build.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/copy-build-assets.mjs'];

export default function ensureFreshBuild(): void {
  const stale = staleOutput();
  if (!stale) return;
  process.stdout.write(`Building dist/ (${stale}): npm run build:emit\n`);
  execSync('npm run build:emit', { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Why the build is stale (the first source found newer than its output), or null when it is fresh. The .mjs loader is for the sources only. */
export function staleOutput(): string | null {
  const builtAt = mainBuiltAt();
  if (builtAt === null) return 'no build yet';
  for (const input of BUILD_INPUTS) if (statSync(input).mtimeMs > builtAt) return `${input} changed`;
  for (const source of sources('src')) {
    const output = path.join('dist', source.replace(/\.ts$/, '.js'));
    if (!existsSync(output)) return `${source} not compiled`;
    if (statSync(source).mtimeMs > statSync(output).mtimeMs) return `${source} changed`;
  }
  return null;
}

function mainBuiltAt(): number | null {
  const main = path.join('dist', 'src', 'main.js');
  return existsSync(main) ? statSync(main).mtimeMs : null;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== path.join('src', 'generated')) yield* sources(file);
    } else if ((file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.json')) yield file;
  }
}
