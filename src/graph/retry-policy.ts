/**
 * How Roster waits when Graph is busy (https://learn.microsoft.com/graph/throttling): a 429 or 503
 * with `Retry-After` is retried after exactly that; without it (and after a 5xx or a connection
 * that failed), after an exponential backoff with full jitter. Attempts are bounded.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** The backoff's first step (ms). */
  baseDelayMs: number;
  /** The longest backoff step (ms). */
  maxDelayMs: number;
  /** The longest `Retry-After` Roster waits out (ms); a longer one is waited this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000, maxRetryAfterMs: 5 * 60_000 };

/** Statuses worth another try: throttled (429), unavailable (503) and the other transient 5xx. */
export function isTransient(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header === null || header === undefined || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before attempt `attempt + 1` (attempt is 1-based): Retry-After when given, else full-jitter backoff. */
export function waitBeforeRetry(policy: RetryPolicy, attempt: number, retryAfter: number | null, random: () => number): number {
  if (retryAfter !== null) return Math.min(retryAfter, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
