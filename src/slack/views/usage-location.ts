import type { KnownBlock, Option, PlainTextOption } from '@slack/types';
import { USAGE_LOCATIONS, usageLocationName } from '../../core/rules/usage-location.js';
import { VALUE } from './ids.js';
import { option, plain } from './kit.js';

/**
 * The usage location picker: an external_select whose 249 countries are sent only when the menu is
 * opened or typed in (`block_suggestion`, answered by usageLocationOptions), not with the form: a
 * static select would add ~11 KB to every views.open/update and to every payload Slack sends back.
 */
export function usageLocationInput(field = 'usageLocation', hint = 'Where the user mainly works; needed to assign a license.', initial?: string): KnownBlock {
  return {
    type: 'input',
    block_id: field,
    optional: true,
    label: plain('Usage location'),
    hint: plain(hint),
    element: {
      type: 'external_select',
      action_id: VALUE,
      placeholder: plain('Type a country or its code'),
      min_query_length: 0,
      ...(initial ? { initial_option: locationOption(initial) } : {}),
    },
  };
}

/** A country as the picker shows it: "Netherlands (NL)". */
export const locationOption = (code: string): PlainTextOption => option(`${usageLocationName(code)} (${code})`, code);

const GROUPS: [string, (letter: string) => boolean][] = [
  ['A – F', (l) => l <= 'F'],
  ['G – M', (l) => l > 'F' && l <= 'M'],
  ['N – S', (l) => l > 'M' && l <= 'S'],
  ['T – Z', (l) => l > 'S'],
];

/** Every country in four groups (Slack allows 100 options a group), built once. */
const ALL_GROUPS = GROUPS.map(([label, inGroup]) => ({
  label: plain(label, 75),
  options: USAGE_LOCATIONS.filter((l) => inGroup(l.name[0]!.toUpperCase())).map((l) => locationOption(l.code)),
}));

/**
 * The answer to a `block_suggestion` for the usage location: every country (grouped) for an empty
 * query, else those whose code is the query or whose name contains it, best first, at most 100.
 */
export function usageLocationOptions(query: string): { options: Option[] } | { option_groups: { label: ReturnType<typeof plain>; options: Option[] }[] } {
  const q = query.trim().toLowerCase();
  if (q === '') return { option_groups: ALL_GROUPS };
  const matches = USAGE_LOCATIONS.map((l) => {
    const name = l.name.toLowerCase();
    const rank = l.code.toLowerCase() === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : -1;
    return { l, rank };
  }).filter((m) => m.rank >= 0);
  matches.sort((a, b) => a.rank - b.rank || a.l.name.localeCompare(b.l.name));
  return { options: matches.slice(0, 100).map((m) => locationOption(m.l.code)) };
}
