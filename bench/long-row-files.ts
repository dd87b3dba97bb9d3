/**
 * Part of `npm run bench -- hostile`: ten long-row CSVs (60 rows of ~100,000 characters, ~6 MB each)
 * shared in an import channel at once, the case of issue 20, item 6, which ran the one shared
 * import worker out of memory so that every preview failed with a generic "Sorry" DM. Figures: how
 * many got their preview, how many a generic failure, the slowest first answer (a preview, a
 * problem, or "waiting for a reader") and the slowest preview, and Roster's peak memory (VmHWM).
 */
import { readFileSync } from 'node:fs';
import { adminCenterHeaderLine } from '../src/core/import/admin-center-layout.js';
import type { FakeSlack, RecordedCall } from '../test/support/fake-slack-api.js';
import { longRow } from '../test/support/long-row-file.js';
import type { SlackClientSim } from '../test/support/slack-requests.js';
import type { Figure } from './figures.js';
import { OWNER } from './seed.js';

export const LONG_ROW_FILES = 10;
const ROWS = 60;
/** The first answer in a file's thread (its preview, its problem, or that it waits), from the share. */
export const TARGET_FIRST_ANSWER_MS = 5_000;
const GIVE_UP_MS = 120_000;

function longRowFile(index: number): Buffer {
  const header = adminCenterHeaderLine('admin-center-2024').join(',');
  const rows = Array.from({ length: ROWS }, (_, i) => longRow(`f${index}r${i + 1}`));
  return Buffer.from(`${[header, ...rows].join('\r\n')}\r\n`);
}

/** Peak resident memory of a process, in MB (Linux); NaN elsewhere. */
function peakRssMb(pid: number | undefined): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Share {
  started: number;
  firstMs?: number;
  previewMs?: number;
  problem?: string;
}

export async function longRowFilesAtOnce(
  fake: FakeSlack,
  sim: SlackClientSim,
  channel: string,
  pid: number | undefined,
  suite: string,
  log: (line: string) => void,
): Promise<Figure[]> {
  const files = Array.from({ length: LONG_ROW_FILES }, (_, i) => longRowFile(i));
  log(`\n${LONG_ROW_FILES} long-row files (${ROWS} rows of ~100,000 characters, ${(files[0]!.length / 1024 / 1024).toFixed(1)} MB each) shared at once`);
  const shares = new Map<string, Share>();
  let after = fake.calls().length;
  await Promise.all(
    files.map(async (bytes, i) => {
      const uploaded = fake.addFile({ name: `long-rows-${i + 1}.csv`, user: OWNER, bytes });
      const ts = `1800001${String(i).padStart(3, '0')}.000100`;
      uploaded.shares = { public: { [channel]: [{ ts }] } };
      shares.set(ts, { started: performance.now() });
      await sim.event({ type: 'file_shared', file_id: uploaded.id, user_id: OWNER, file: { id: uploaded.id }, channel_id: channel });
    }),
  );
  // A waiting notice is later replaced (chat.update) by the preview: its ts → the file's thread.
  const waiting = new Map<string, string>();
  const sorry = (c: RecordedCall) => c.method === 'chat.postMessage' && /^Sorry, Roster could not/.test(String(c.args.text));
  const relevant = (c: RecordedCall) =>
    (c.method === 'chat.postMessage' && shares.has(String(c.args.thread_ts))) || (c.method === 'chat.update' && waiting.has(String(c.args.ts))) || sorry(c);
  let generic = 0;
  let final = 0;
  try {
    while (final + generic < LONG_ROW_FILES) {
      const call = await fake.waitFor(relevant, { after, timeoutMs: GIVE_UP_MS });
      after = fake.calls().indexOf(call) + 1;
      if (sorry(call)) {
        generic++;
        continue;
      }
      const thread = call.method === 'chat.update' ? waiting.get(String(call.args.ts))! : String(call.args.thread_ts);
      const share = shares.get(thread)!;
      const ms = performance.now() - share.started;
      share.firstMs ??= ms;
      if (/reading other files first/.test(String(call.args.text))) {
        waiting.set(String(call.response.ts), thread);
        continue;
      }
      final++;
      if (JSON.stringify(call.args.blocks ?? '').includes('Verified')) share.previewMs = ms;
      else share.problem = String(call.args.text).slice(0, 200);
    }
  } catch (error) {
    log(`  gave up waiting: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const all = [...shares.values()];
  const previews = all.filter((s) => s.previewMs !== undefined);
  const worst = (values: (number | undefined)[]) => (values.every((v) => v !== undefined) ? Math.max(...(values as number[])) : Number.NaN);
  log(`  previews ${previews.length}, problems ${all.filter((s) => s.problem).length}, generic failures ("Sorry") ${generic}`);
  for (const problem of new Set(all.map((s) => s.problem).filter(Boolean))) log(`  problem: ${problem}`);
  const name = `${LONG_ROW_FILES} long-row files at once`;
  return [
    { suite, name: `${name}: previews`, value: previews.length, unit: '', target: { op: '=', value: LONG_ROW_FILES } },
    { suite, name: `${name}: generic failures ("Sorry")`, value: generic, unit: '', target: { op: '=', value: 0 } },
    { suite, name: `${name}: slowest first answer`, value: worst(all.map((s) => s.firstMs)), unit: 'ms', target: { op: '<', value: TARGET_FIRST_ANSWER_MS } },
    { suite, name: `${name}: slowest preview`, value: worst(all.map((s) => s.previewMs)), unit: 'ms' },
    { suite, name: 'Roster peak memory over the suite (VmHWM)', value: peakRssMb(pid), unit: 'MB' },
  ];
}
