/**
 * Days and hours in an organization's time zone (IANA, through Intl: no table of our own). A
 * scheduled change runs on its day at the organization's set hour there, daylight saving included.
 */

/** Whether `zone` is a time zone Intl knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's name as Intl spells it (`europe/paris` → `Europe/Paris`). */
export function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

/** Whether `text` is a calendar day written YYYY-MM-DD (a real one: no February 30). */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** What the wall clock of `zone` shows at `instant`, as if it were UTC (to measure the zone's offset). */
function wallClock(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/**
 * The moment `day` (YYYY-MM-DD) at `hour`:00 in `zone`. An hour skipped by a clock change is taken
 * as the hour after it; an hour repeated is its first occurrence.
 */
export function zonedDayAt(day: string, hour: number, zone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(year, month - 1, date, hour);
  let guess = wanted - (wallClock(wanted, zone) - wanted);
  // Once more, with the offset at the guess (it differs when a clock change falls in between).
  guess = wanted - (wallClock(guess, zone) - guess);
  return new Date(guess);
}

/** The day (YYYY-MM-DD) that `instant` falls on in `zone`. */
export function dayIn(instant: Date, zone: string): string {
  return new Date(wallClock(instant.getTime(), zone)).toISOString().slice(0, 10);
}
