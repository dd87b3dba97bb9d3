/** A pragmatic check of an email address's form (the part a person can get wrong by typing). */
export function emailProblem(value: string, label = 'The alternate email address'): string | null {
  if (value.length > 254) return `${label} is too long (at most 254 characters).`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return `${label} "${value}" is not a valid email address.`;
  return null;
}
