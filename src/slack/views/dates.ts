import { differenceInCalendarDays, format, formatDistanceStrict } from 'date-fns';

/** "Sun 21 Feb 2027 (in 90 days)": the expiry of a temporary password, as people read it. */
export function expiryText(expiresAt: Date | null, now: Date): string {
  if (!expiresAt) return 'Never (the organization has no password expiry)';
  const days = differenceInCalendarDays(expiresAt, now);
  const distance = days >= 0 ? `in ${formatDistanceStrict(expiresAt, now, { unit: 'day' })}` : `${formatDistanceStrict(expiresAt, now, { unit: 'day' })} ago`;
  return `${format(expiresAt, 'EEE d MMM yyyy')} (${distance})`;
}

export function shortDate(date: Date): string {
  return format(date, 'd MMM yyyy, HH:mm');
}
