// `npm test`: Biome first (seconds), then the one type check (`npm run typecheck`: tsc --noEmit,
// incremental, so it looks again only at what changed since `npm ci` or the last run) and every test (vitest,
// which rebuilds dist/ itself when it is stale) side by side. The tests' output streams as it comes;
// the type check's is printed after it, under its own heading. Fails when any of the three fails.
// Arguments go to vitest: `npm test -- test/cli` still lints and type-checks everything.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const bin = (name) => `node_modules/.bin/${name}`;
/** `npm run typecheck`'s arguments (package.json), run here without npm's own start-up. */
const TYPECHECK = JSON.parse(readFileSync('package.json', 'utf8')).scripts.typecheck.split(' ').slice(1);

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function run(command, args, { capture = false } = {}) {
  const since = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n`, took: seconds(since) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output, took: seconds(since) }));
  });
}

const lint = await run(bin('biome'), ['check', '.']);
if (lint.code !== 0) {
  process.stderr.write('\nnpm test: Biome failed (npx biome check --write . fixes the format); nothing else was run.\n');
  process.exit(lint.code);
}

const [typecheck, tests] = await Promise.all([run(bin('tsc'), TYPECHECK, { capture: true }), run(bin('vitest'), ['run', ...process.argv.slice(2)])]);

process.stdout.write(`\n── Type check (npm run typecheck): ${typecheck.code === 0 ? 'no errors' : 'FAILED'} ──\n${typecheck.output}`);
process.stdout.write(`Biome ${lint.took}, type check ${typecheck.took}, tests ${tests.took} (side by side); in all ${seconds(started)}.\n`);
const failed = [typecheck.code !== 0 && 'the type check', tests.code !== 0 && 'the tests'].filter(Boolean);
if (failed.length > 0) {
  process.stderr.write(`\nnpm test: ${failed.join(' and ')} failed (see above).\n`);
  process.exit(1);
}
process.stdout.write('npm test: Biome, the type check and every test passed.\n');
