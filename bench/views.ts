/**
 * `npm run bench -- views`: listing, finding and exporting users with 100,000 in the directory
 * (10,000 with --quick). The directory is generated straight through the store functions
 * (test/support/generate-directory.ts), in a fresh SQLite file with every migration applied.
 * Each figure is the p95 of in-process calls of the use case (what a Slack request waits for
 * before its ack or its update), after one warm-up call. The export runs in its own process over
 * the compiled build (bench/export-worker.mjs; run `npm run build` first).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { findUsers } from '../src/core/users/find-users.js';
import { listUsers } from '../src/core/views/list-users.js';
import { STANDARD_VIEWS } from '../src/core/views/view-conditions.js';
import { saveCustomView } from '../src/core/views/save-custom-view.js';
import { homeSummary } from '../src/core/tenant/home-summary.js';
import { homeView } from '../src/slack/views/home-view.js';
import { insertDomain } from '../src/store/organizations.js';
import { generateDirectory, GENERATED_PRODUCTS } from '../test/support/generate-directory.js';
import { createTestDatabase, OWNER, seedTenant, TEAM } from '../test/support/test-db.js';

const run = promisify(execFile);
import type { Figure, Suite } from './figures.js';

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function timed(runs: number, work: (i: number) => Promise<unknown>): Promise<number> {
  await work(0);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work(i);
    samples.push(performance.now() - started);
  }
  return p95(samples);
}

export const viewsSuite: Suite = async ({ quick, log }) => {
  const count = quick ? 10_000 : 100_000;
  const db = await createTestDatabase();
  const figures: Figure[] = [];
  try {
    const { tenantId } = await seedTenant(db.ctx);
    for (const domain of ['contoso.ca', 'contoso.com']) await insertDomain(db.db, tenantId, domain, new Date());
    const started = performance.now();
    const users = await generateDirectory(db.db, tenantId, count, { seed: 1 });
    log(`generated ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const ms = (name: string, value: number, target: number, note?: string) =>
      figures.push({ suite: 'views', name, value, unit: 'ms', target: { op: '<', value: target }, ...(note ? { note } : {}) });

    // A page of every standard view: the first page, then the page after a row from the middle.
    const middle = [...users].sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : 1))[
      Math.floor(count / 2)
    ]!;
    let worst = { name: '', value: 0 };
    for (const view of STANDARD_VIEWS) {
      const value = await timed(20, (i) =>
        listUsers(db.ctx, OWNER, { view: `std:${view.key}`, ...(i % 2 ? { after: { displayName: middle.displayName, id: middle.id } } : {}) }),
      );
      log(`  ${view.name}: p95 ${value.toFixed(2)} ms`);
      if (value > worst.value) worst = { name: view.name, value };
    }
    ms('a page of the slowest standard view, p95', worst.value, 20, worst.name);

    const saved = await saveCustomView(db.ctx, OWNER, {
      name: 'Canadian Business Basic',
      conditions: { domain: 'contoso.ca', usageLocation: 'CA', skuId: GENERATED_PRODUCTS[0]!.skuId },
    });
    if (!saved.ok) throw new Error(saved.message);
    ms(
      'a page of a three-condition custom view, p95',
      await timed(20, (i) =>
        listUsers(db.ctx, OWNER, { view: `cv:${saved.id}`, ...(i % 2 ? { after: { displayName: middle.displayName, id: middle.id } } : {}) }),
      ),
      20,
      'domain + usage location + license',
    );

    const queries = ['a', 'an', 'smi', 'de v', 'müller', 'olivia.kow', 'zo', 'priya nguyen', `${users[7]!.userPrincipalName.split('@')[0]}`, 'xyz'];
    for (const query of queries) log(`  find "${query}": p95 ${(await timed(5, () => findUsers(db.ctx, OWNER, query))).toFixed(2)} ms`);
    ms(
      '/users find, p95',
      await timed(40, (i) => findUsers(db.ctx, OWNER, queries[i % queries.length]!)),
      20,
      `${queries.length} queries from "a" to an exact username`,
    );

    // The export runs in a fresh process over the compiled build, so its peak memory is its own
    // (this process holds the 100,000 generated users).
    const { stdout } = await run(process.execPath, [path.resolve('bench/export-worker.mjs'), db.url, TEAM, OWNER.slackUserId], { maxBuffer: 1 << 20 });
    const exported = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: number; seconds: number; bytes: number; rssBeforeMb: number; maxRssMb: number };
    figures.push({
      suite: 'views',
      name: `export of ${exported.rows.toLocaleString('en')} users to CSV`,
      value: exported.seconds,
      unit: 's',
      target: { op: '<', value: 5 },
      note: `${(exported.bytes / 1e6).toFixed(1)} MB file`,
    });
    figures.push({
      suite: 'views',
      name: 'export peak memory (its process, maxRSS)',
      value: exported.maxRssMb,
      unit: 'MB',
      target: { op: '<', value: 300 },
      note: `${exported.rssBeforeMb.toFixed(0)} MB before it started`,
    });

    ms(
      'App Home: summary and view built, p95',
      await timed(20, async () => homeView(await homeSummary(db.ctx, OWNER))),
      200,
      'the publish itself is one views.publish call',
    );
  } finally {
    await db.destroy();
  }
  return figures;
};
