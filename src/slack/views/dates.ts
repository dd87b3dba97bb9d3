import { differenceInCalendarDays, formatDistanceStrict } from 'date-fns';

/**
 * Dates as Slack shows them: `<!date^UNIX^{date_short_pretty} {time}|fallback>` renders in each
 * reader's own time zone and locale ("Feb 21, 2027 2:30 PM", "Today 9:05 AM"). Clients that cannot
 * render it show the fallback, a plain UTC time ("2027-02-21 14:30 UTC"), never the server's zone.
 */
export function slackDateTime(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${utcFallback(date)}>`;
}

/** "2027-02-21 14:30 UTC" */
export function utcFallback(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The expiry of a temporary password: the date in the reader's zone, then "(in 90 days)". */
export function expiryText(expiresAt: Date | null, now: Date): string {
  if (!expiresAt) return 'Never (the organization has no password expiry)';
  const days = differenceInCalendarDays(expiresAt, now);
  const distance = formatDistanceStrict(expiresAt, now, { unit: 'day' });
  return `${slackDateTime(expiresAt)} (${days >= 0 ? `in ${distance}` : `${distance} ago`})`;
}

/** A moment in the past (last sign-in, a change in the App Home), in the reader's zone. */
export function shortDate(date: Date): string {
  return slackDateTime(date);
}
