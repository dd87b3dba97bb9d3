/** What a suite measures and how it is printed: each figure beside its target, PASS or MISS. */
import type { LoadResult } from './load.js';

export interface Target {
  op: '<' | '<=' | '>=' | '=';
  value: number;
}

export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  note?: string;
}

export interface SuiteOptions {
  /** Short phases (2 s) for a smoke run; figures are then only indicative. */
  quick: boolean;
  /** Profile the app with --cpu-prof during the suite and print the hottest functions. */
  cpuProf: boolean;
  /** Progress output. */
  log: (line: string) => void;
}

export type Suite = (options: SuiteOptions) => Promise<Figure[]>;

export function meets(value: number, t: Target): boolean {
  if (Number.isNaN(value)) return false;
  switch (t.op) {
    case '<':
      return value < t.value;
    case '<=':
      return value <= t.value;
    case '>=':
      return value >= t.value;
    case '=':
      return value === t.value;
  }
}

export function fmt(value: number, unit = ''): string {
  if (Number.isNaN(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function verdict(f: Figure): string {
  if (!f.target) return '';
  return meets(f.value, f.target) ? 'PASS' : 'MISS';
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A plain text table; `right` marks right-aligned columns. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, right[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function figureTable(figures: Figure[]): string {
  return table(
    ['suite', 'figure', 'value', 'target', 'result'],
    figures.map((f) => [
      f.suite,
      f.name + (f.note ? ` (${f.note})` : ''),
      fmt(f.value, f.unit),
      f.target ? `${f.target.op} ${fmt(f.target.value, f.unit)}` : '',
      verdict(f),
    ]),
    [false, false, true, true, false],
  );
}

/** One row of a per-run load table. */
export function loadRow(label: string, r: LoadResult, extra: { appCpuMsPerReq?: number } = {}): string[] {
  const ms = (v: number) => fmt(v);
  return [
    label,
    r.kind === 'open' ? 'open' : 'closed',
    String(r.sent),
    String(r.ok),
    String(r.errors),
    ms(r.latency.p50),
    ms(r.latency.p90),
    ms(r.latency.p99),
    ms(r.latency.max),
    fmt(r.throughput),
    extra.appCpuMsPerReq === undefined ? '' : fmt(extra.appCpuMsPerReq),
    r.sendLag ? `${fmt(r.sendLag.p99)}` : '',
    `${Math.round(r.generatorBusy * 100)}%`,
  ];
}

export const LOAD_HEADER = [
  'request',
  'loop',
  'sent',
  'ok',
  'errors',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'req/s',
  'app cpu ms/req',
  'send lag p99',
  'loadgen busy',
];
export const LOAD_RIGHT = [false, false, true, true, true, true, true, true, true, true, true, true, true];
