import { hasControlCharacter } from './profile-text.js';

/** A pragmatic check of an email address's form (the part a person can get wrong by typing). */
export function emailProblem(value: string, label = 'The alternate email address'): string | null {
  if (value.length > 254) return `${label} is too long (at most 254 characters).`;
  if (hasControlCharacter(value) || /\p{Default_Ignorable_Code_Point}/u.test(value))
    return `${label} is not a valid email address: it holds a control or invisible character (such as NUL or a zero-width space).`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return `${label} "${value}" is not a valid email address.`;
  return null;
}
