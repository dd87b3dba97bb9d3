/**
 * The optional `Start date` column of an import (docs/domain.md "Scheduled onboarding"): a day, read
 * only when it cannot mean two things. ISO (2027-03-01, also 2027/3/1), a month by name (1 March
 * 2027, March 1, 2027, 1-Mar-2027), and day/month/year with / . or - when the day is over 12 (so
 * 25/03/2027 or 03/25/2027). 03/04/2027 is refused: the admin center writes dates in the admin's
 * own locale, so it may be 3 April or 4 March.
 */
import { isDay } from '../schedules/schedule-time.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const pad = (n: number) => String(n).padStart(2, '0');

function day(year: number, month: number, date: number): string | null {
  const text = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(date)}`;
  return isDay(text) ? text : null;
}

function monthByName(name: string): number | null {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  const full = new Date(Date.UTC(2000, index, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }).toLowerCase();
  return index >= 0 && (name.length === 3 || full.startsWith(name.toLowerCase().replace(/\.$/, ''))) ? index + 1 : null;
}

export type StartDateCell = { ok: true; day: string } | { ok: false; message: string };

const WRITE_IT = 'write it as YYYY-MM-DD, such as 2027-03-01';

/** The day a `Start date` cell names, or why it cannot be read (the message starts after "Start date"). */
export function parseStartDateCell(raw: string, quoteValue = true): StartDateCell {
  const text = raw.trim().replace(/\s+/g, ' ');
  // A file that holds passwords quotes no cell (a shifted row may put a password in any column).
  const quoted = quoteValue ? `"${text.length > 30 ? `${text.slice(0, 29)}…` : text}"` : 'The value';
  const unreadable: StartDateCell = { ok: false, message: `${quoted} is not a date: ${WRITE_IT}.` };
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (match) {
    const found = day(Number(match[1]), Number(match[2]), Number(match[3]));
    return found ? { ok: true, day: found } : { ok: false, message: `${quoted} is not a day of the calendar: ${WRITE_IT}.` };
  }
  match = /^(\d{1,2})[ -]([A-Za-z]{3,9}\.?)[ ,-]+(\d{4})$/.exec(text);
  if (match) {
    const month = monthByName(match[2] ?? '');
    const found = month ? day(Number(match[3]), month, Number(match[1])) : null;
    return found ? { ok: true, day: found } : unreadable;
  }
  match = /^([A-Za-z]{3,9}\.?) (\d{1,2}),? (\d{4})$/.exec(text);
  if (match) {
    const month = monthByName(match[1] ?? '');
    const found = month ? day(Number(match[3]), month, Number(match[2])) : null;
    return found ? { ok: true, day: found } : unreadable;
  }
  match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(text);
  if (match) {
    const [a, b, year] = [Number(match[1]), Number(match[3]), Number(match[4])];
    if (a === b) return day(year, a, b) ? { ok: true, day: day(year, a, b)! } : unreadable;
    if (a > 12 && b <= 12) return day(year, b, a) ? { ok: true, day: day(year, b, a)! } : unreadable;
    if (b > 12 && a <= 12) return day(year, a, b) ? { ok: true, day: day(year, a, b)! } : unreadable;
    if (a <= 12 && b <= 12)
      return {
        ok: false,
        message: `${quoted} could be ${day(year, b, a) ?? '?'} or ${day(year, a, b) ?? '?'} (day and month can be read both ways): ${WRITE_IT}.`,
      };
  }
  return unreadable;
}
