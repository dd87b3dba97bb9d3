// `npm ci` / `npm install`: generate the typed schema (prisma generate → Kysely types), type-check
// everything (src, test, bench: `npm run typecheck`, incremental, so `npm test`'s check afterwards
// only looks again at what changed since) and compile into dist/ (`build:emit`, the same JavaScript
// `npm run build` makes). A production install (`npm ci --omit=dev`) has no Prisma and no
// type definitions, but has TypeScript (a dependency for this): it compiles without the check
// (`build:emit`: the same JavaScript; the types only matter to the check), so `npm start` works.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (name) => existsSync(`node_modules/${name}`);
if (has('prisma') && has('typescript')) {
  execSync('npx prisma generate && npm run typecheck && npm run build:emit', { stdio: 'inherit' });
} else if (has('typescript')) {
  process.stdout.write('roster: production install: compiling into dist/ (no type-check; the dev tools are not installed).\n');
  execSync('npm run build:emit', { stdio: 'inherit' });
} else if (existsSync('dist/src/main.js')) {
  process.stdout.write('roster: using the dist/ built before (npm start runs it).\n');
} else {
  process.stdout.write('roster: no TypeScript to compile with and no dist/: run `npm ci` (or `npm ci --omit=dev`) with its dependencies.\n');
}
