/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time by package,
 * the hottest functions by self time, and by inclusive time (time with the function on the stack).
 * Usable alone: `npx tsx bench/cpu-profile.ts <file.cpuprofile>`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './app-process.js';
import { fmt, table } from './figures.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

function where(url: string): string {
  if (!url) return '';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** The package a frame belongs to: src/<dir>, node_modules/<pkg>, node:internal, or V8's own buckets. */
function packageOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const file = where(frame.url);
  if (!file) return '(native/V8)';
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (file.startsWith('node:')) return 'node (built-in)';
  const parts = file.split('/');
  return parts[0] === 'src' ? parts.slice(0, Math.min(3, parts.length - 1)).join('/') : (parts[0] ?? file);
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  const file = where(frame.url);
  return file ? `${name}  ${file}:${frame.lineNumber + 1}` : name;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  byPackage: [string, number][];
  bySelf: [string, number][];
  byInclusive: [string, number][];
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time runs until the next one
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    totalMs += ms;
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const pkg = packageOf(node.callFrame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id, depth = 0; id !== undefined && depth < 500; id = parent.get(id), depth++) {
      const frame = byId.get(id)!.callFrame;
      if (!SPECIAL.has(frame.functionName)) onStack.add(label(frame));
    }
    for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs,
    idleMs: packages.get('(idle)') ?? 0,
    gcMs: packages.get('(garbage collector)') ?? 0,
    byPackage: sorted(packages).slice(0, top),
    bySelf: sorted(self)
      .filter(([k]) => !SPECIAL.has(k))
      .slice(0, top),
    byInclusive: sorted(inclusive).slice(0, top),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number) => `${fmt((ms / Math.max(busy, 1)) * 100)}%`;
  const rows = (list: [string, number][]) => list.map(([k, ms]) => [fmt(ms, 'ms'), pct(ms), k]);
  return [
    `profiled ${fmt(s.totalMs / 1000, 's')}, busy ${fmt(busy / 1000, 's')}, GC ${fmt(s.gcMs, 'ms')}; percentages are of busy time`,
    '',
    'self time by package:',
    table(['time', 'share', 'package'], rows(s.byPackage.filter(([k]) => k !== '(idle)')), [true, true, false]),
    '',
    'hottest functions, self time:',
    table(['time', 'share', 'function'], rows(s.bySelf), [true, true, false]),
    '',
    'hottest functions, inclusive time (on the stack):',
    table(['time', 'share', 'function'], rows(s.byInclusive), [true, true, false]),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx bench/cpu-profile.ts <file.cpuprofile>\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfile(summarizeProfile(file, 25))}\n`);
}
