// One export measurement in its own process, so that its peak memory is the export's own and not
// the generator's: `node bench/export-worker.mjs <database url> <team id> <member id>` exports All
// users of that database to a temp file and prints one JSON line of figures. Plain JavaScript over
// the compiled build (dist/), as `npm start` runs Roster.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../dist/src/db/open-database.js';
import { exportUsers } from '../dist/src/core/views/export-users.js';
import { newInstanceId } from '../dist/src/core/bulk/index.js';

const [url, teamId, slackUserId] = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-export-'));
try {
  const db = await openDatabase(url, { migrate: false });
  const ctx = { db: db.db, now: () => new Date(), instanceId: newInstanceId() };
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const exported = await exportUsers(ctx, { teamId, slackUserId }, 'All users');
  if (!exported.ok) throw new Error(exported.message);
  const file = path.join(dir, 'all.csv');
  const out = createWriteStream(file, { mode: 0o600 });
  let rows = 0;
  for await (const chunk of exported.chunks()) {
    rows += chunk.rows;
    if (!out.write(chunk.text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - started) / 1000;
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ rows, seconds, bytes: statSync(file).size, rssBeforeMb: rssBefore / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1e3 })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
