/**
 * `npm run bench [-- <suite>...] [--quick] [--cpu-prof]`: runs the named suites (all by default)
 * and prints every figure beside its target with PASS or MISS. It never fails on a target: the
 * exit code is non-zero only when a suite could not run.
 *
 * To add a suite, write bench/<name>.ts exporting a `Suite` and add it to SUITES.
 */
import { ackSuite } from './ack-latency.js';
import { schedulesSuite } from './schedules.js';
import { busySuite } from './busy.js';
import { type Figure, type Suite, figureTable, meets } from './figures.js';
import { formSizeSuite } from './form-size.js';
import { graphSuite } from './graph.js';
import { hostileImportSuite } from './hostile-import.js';
import { importSuite } from './import.js';
import { instancesSuite } from './instances.js';
import { startupSuite } from './startup.js';
import { userEditsSuite } from './user-edits.js';
import { viewsSuite } from './views.js';

const SUITES: Record<string, { suite: Suite; about: string }> = {
  startup: { suite: startupSuite, about: 'spawn → first GET /healthz 200, fresh database, median of 5' },
  import: {
    suite: importSuite,
    about:
      'CSV import of 10,000 and 100,000 rows as roster import runs it: verify, create, rows/s, peak memory; the same user rows through one prepared INSERT as the limit',
  },
  'form-size': { suite: formSizeSuite, about: 'bytes of the Add user form with 0, 1 and 20 products (and of the import settings form), before and after' },
  hostile: {
    suite: hostileImportSuite,
    about:
      '/users help ack p99 (open loop 20/s) while ~20 MB hostile CSVs (blank lines, a row of commas) are previewed; time to refuse each; ten 6 MB long-row CSVs at once',
  },
  'user-edits': { suite: userEditsSuite, about: 'edit many: a product added to 10,000 users in one run; ack p99 of /users edit at 50/s with 100,000 users' },
  views: {
    suite: viewsSuite,
    about: 'with 100,000 users: a page of each standard view and of a custom view, /users find, CSV export (time, memory), App Home',
  },
  busy: {
    suite: busySuite,
    about:
      '/licenses ack p99 (open loop 20/s) while a 50,000-row import runs in the same process, then while one resumes by itself after a SIGKILL; import duration; baseline without the import',
  },
  schedules: {
    suite: schedulesSuite,
    about: '/licenses ack p99 (open loop 20/s) with nothing scheduled, then with 10,000 scheduled offboardings pending; /users scheduled with them',
  },
  graph: {
    suite: graphSuite,
    about:
      'a connected organization on the fake Graph: an import of 10,000 users with 5% of requests throttled (Retry-After 1 s), every user made once with its license; a first full sync of 100,000 users: time, peak memory',
  },
  instances: {
    suite: instancesSuite,
    about:
      'three instances on one PostgreSQL (BENCH_POSTGRES_URL): /licenses and /users add acks (open loop 20/s) on two while the third imports 100,000 rows; the importing instance killed, another takes the job over after its lease, each row made once; the same import alone on SQLite and on PostgreSQL, rows/s',
  },
  ack: {
    suite: ackSuite,
    about:
      'ack latency (open loop 50/s) and throughput (20 in flight) of /users add, /licenses, Add user submission; bare Bolt baseline, and /users add as a share of it',
  },
};

function usage(): string {
  const names = Object.entries(SUITES).map(([name, s]) => `  ${name.padEnd(10)} ${s.about}`);
  return `usage: npm run bench [-- [suite...] [--quick] [--cpu-prof]]\nsuites (default: all):\n${names.join('\n')}\n  --quick     2 s runs instead of 10 s (smoke test; figures only indicative)\n  --cpu-prof  profile Roster during the ack and busy suites and print its hottest functions`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const unknownFlags = [...flags].filter((f) => f !== '--quick' && f !== '--cpu-prof');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0 || unknownFlags.length > 0) {
    process.stderr.write(`unknown ${[...unknown, ...unknownFlags].join(', ')}\n${usage()}\n`);
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  const options = { quick: flags.has('--quick'), cpuProf: flags.has('--cpu-prof'), log: (line: string) => process.stdout.write(`${line}\n`) };
  const started = performance.now();
  const figures: Figure[] = [];
  const failed: string[] = [];
  for (const name of selected) {
    options.log(`\n=== ${name}: ${SUITES[name]!.about}${options.quick ? ' [--quick]' : ''}`);
    const suiteStarted = performance.now();
    try {
      figures.push(...(await SUITES[name]!.suite(options)));
    } catch (error) {
      failed.push(name);
      options.log(`suite ${name} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    options.log(`(${name} took ${((performance.now() - suiteStarted) / 1000).toFixed(0)} s)`);
  }
  const targeted = figures.filter((f) => f.target);
  const passed = targeted.filter((f) => meets(f.value, f.target!)).length;
  options.log(
    `\n=== summary (${((performance.now() - started) / 1000).toFixed(0)} s, ${process.platform} ${process.arch}, ${(await import('node:os')).availableParallelism()} cores, Node ${process.version})`,
  );
  options.log(figureTable(figures));
  options.log(`\n${passed}/${targeted.length} targets met${failed.length ? `; suites that could not run: ${failed.join(', ')}` : ''}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
