/** Recognizing the layout from a file's first row(s). */
import { matchAdminCenterHeader, missingAdminColumns, templateLabel } from './admin-center-layout.js';
import type { ColumnMap } from './column-map.js';
import { bracketedProperty, entraVersion, matchEntraHeader } from './entra-layout.js';

export type HeaderResult = { ok: true; map: ColumnMap } | { ok: false; message: string };

const MAX_LABELS_SHOWN = 20;

/** Header labels: trimmed, trailing empty ones dropped (Excel writes them for formatted columns). */
export function headerLabels(cells: readonly string[]): string[] {
  const labels = cells.map((cell) => cell.trim());
  while (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  return labels;
}

/** A header label never holds an address or a phone/postal number; a user row often does. */
function looksLikeData(labels: readonly string[]): boolean {
  return labels.some((label) => label.includes('@') || /^\+?[\d\s().-]{5,}$/.test(label));
}

/** When the first non-blank row is Entra's `version:` line: the version it names. */
export function versionLine(cells: readonly string[]): string | undefined {
  return entraVersion(cells[0] ?? '');
}

export function checkEntraVersion(version: string): string | null {
  if (version.toLowerCase() === 'v1.0') return null;
  return `The Entra template says version ${version ? `'${version}'` : '(none)'}; Roster reads version v1.0: download the bulk-create template again from Entra.`;
}

/** The first row of a file that does not start with Entra's version line. */
export function matchHeaderRow(cells: readonly string[], rowNumber: number): HeaderResult {
  const labels = headerLabels(cells);
  if (looksLikeData(labels)) {
    return { ok: false, message: "The first row looks like a user, not a header row: add the template's header row." };
  }
  if (labels.some((label) => bracketedProperty(label) !== undefined) && matchEntraHeader(labels, rowNumber).ok) {
    return {
      ok: false,
      message: "This looks like Entra's bulk-create template without its first line: add a line 'version:v1.0' above the header row.",
    };
  }
  const admin = matchAdminCenterHeader(labels, rowNumber);
  if (admin.ok !== 'no-match') return admin;
  return { ok: false, message: unknownHeaderMessage(labels) };
}

/** The header row that follows Entra's version line. */
export function matchEntraHeaderRow(cells: readonly string[], rowNumber: number): HeaderResult {
  return matchEntraHeader(headerLabels(cells), rowNumber);
}

function unknownHeaderMessage(labels: readonly string[]): string {
  const shown = labels.slice(0, MAX_LABELS_SHOWN).map((label) => (label.length > 60 ? `${label.slice(0, 59)}…` : label || '(empty)'));
  const more = labels.length > MAX_LABELS_SHOWN ? `, and ${labels.length - MAX_LABELS_SHOWN} more` : '';
  let message =
    "The header row is not one Roster knows: expected the admin center's 16 (2024) or 15 (2020) columns, or Entra's bulk-create template. " +
    `Found ${labels.length} column${labels.length === 1 ? '' : 's'}: ${shown.join(', ')}${more}.`;
  if (labels.length === 1) message += ' Roster reads columns separated by commas, semicolons or tabs.';
  const missing = missingAdminColumns([...labels]);
  if (missing.length > 0 && missing.length <= 4) message += ` Missing: ${missing.map((field) => templateLabel(field)).join(', ')}.`;
  return message;
}
