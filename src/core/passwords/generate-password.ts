import { randomInt } from 'node:crypto';

// No look-alikes (0/O, 1/l/I) so a password read from a DM is typed right the first time.
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%*+-=?@^_';
const ALL = LOWER + UPPER + DIGITS + SYMBOLS;

export const GENERATED_PASSWORD_LENGTH = 16;

/** Bits of entropy of a generated password (about 97 for 16 characters from 69). */
export const GENERATED_PASSWORD_BITS = Math.floor(GENERATED_PASSWORD_LENGTH * Math.log2(ALL.length));

/**
 * A temporary password from the operating system's CSPRNG. It always holds all four classes,
 * so it meets the policy; the positions of the forced characters are random too.
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  const chars = [LOWER, UPPER, DIGITS, SYMBOLS].map(pick);
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  // A leading symbol such as = + - @ would make a spreadsheet read the results file's cell as a
  // formula (and our CSV writer then prefixes an apostrophe): start with a letter or digit.
  const first = chars.findIndex((ch) => !SYMBOLS.includes(ch));
  [chars[0], chars[first]] = [chars[first]!, chars[0]!];
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!;
}
