/** Finding the separator from the header line: European Excel writes ";", "Unicode text" a tab. */
import type { ImportDelimiter } from './types.js';

export const DELIMITERS: readonly ImportDelimiter[] = [',', ';', '\t'];

/**
 * Splits the start of a file into its first logical lines (a line break inside quotes does not
 * end a line). Stops after `count` lines; the last may be cut short by the end of `text`.
 */
export function firstLogicalLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let quoting = false;
  let start = 0;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const ch = text[i];
    if (ch === '"') quoting = !quoting;
    else if (!quoting && (ch === '\n' || ch === '\r')) {
      lines.push(text.slice(start, i));
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (lines.length < count && start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Entra's bulk-create template opens with `version:v1.0` (maybe quoted or followed by separators). */
export function isVersionLine(line: string): boolean {
  return /^\s*"?\s*version\s*:/i.test(line);
}

/** Counts each candidate separator outside quotes. */
export function countDelimiters(line: string): Record<ImportDelimiter, number> {
  const counts: Record<ImportDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoting = false;
  for (const ch of line) {
    if (ch === '"') quoting = !quoting;
    else if (!quoting && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  return counts;
}

/**
 * The separator the header line uses most (outside quotes); "," when it has none. The header is
 * the first non-blank line, or the one after Entra's version line.
 */
export function detectDelimiter(startOfFile: string): ImportDelimiter {
  const lines = firstLogicalLines(startOfFile, 50).filter((line) => line.trim() !== '');
  const first = lines[0];
  const header = first !== undefined && isVersionLine(first) ? (lines[1] ?? first) : first;
  if (header === undefined) return ',';
  const counts = countDelimiters(header);
  let best: ImportDelimiter = ',';
  for (const delimiter of DELIMITERS) if (counts[delimiter] > counts[best]) best = delimiter;
  return best;
}
