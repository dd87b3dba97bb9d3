// `npm ci` / `npm install`: generate the typed schema (prisma generate → Kysely types) and compile
// into dist/. A production install (`npm ci --omit=dev`) has neither tool: it uses the dist/ that
// was built before (see README "Deploy") and says so instead of failing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const hasDevTools = existsSync('node_modules/prisma') && existsSync('node_modules/typescript');
if (hasDevTools) {
  execSync('npx prisma generate && npm run build', { stdio: 'inherit' });
} else if (existsSync('dist/src/main.js')) {
  process.stdout.write('roster: production install, using the dist/ built before (npm start runs it).\n');
} else {
  process.stdout.write(
    'roster: production install without a build: run `npm ci && npm run build` where the dev tools are, then `npm prune --omit=dev` (README "Deploy").\n',
  );
}
