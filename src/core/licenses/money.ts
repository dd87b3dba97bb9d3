/**
 * Amounts of money as Roster keeps them: whole minor units (cents) of an ISO 4217 currency, so sums
 * are exact; the currency's own number of decimals (2 for EUR, 0 for JPY) comes from Intl.
 */
export interface Money {
  minor: number;
  currency: string;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code.toUpperCase());
}

export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "12.50" (or "12,50") in the currency's minor units; null when it is not an amount the currency can hold. */
export function parseAmount(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function formatMoney(money: Money): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).format(money.minor / 10 ** currencyDigits(money.currency));
}

/** Sums amounts per currency (prices may be set in several), in the order the currencies come. */
export function sumByCurrency(amounts: readonly Money[]): Money[] {
  const sums = new Map<string, number>();
  for (const amount of amounts) sums.set(amount.currency, (sums.get(amount.currency) ?? 0) + amount.minor);
  return [...sums].map(([currency, minor]) => ({ minor, currency }));
}

/** "€12.50 + $4.00", or null when there is nothing to say. */
export function formatSums(amounts: readonly Money[]): string | null {
  return amounts.length > 0 ? amounts.map(formatMoney).join(' + ') : null;
}
