/** Password policy, docs/domain.md "Passwords": 8-256 characters, 3 of 4 classes, listed symbols only. */
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const;
export const PASSWORD_SYMBOLS = `@#$%^&*-_!+=[]{}|\\:',.?/~"();<>\` `;

const CLASSES = [
  { name: 'lowercase letters', test: (ch: string) => ch >= 'a' && ch <= 'z' },
  { name: 'uppercase letters', test: (ch: string) => ch >= 'A' && ch <= 'Z' },
  { name: 'digits', test: (ch: string) => ch >= '0' && ch <= '9' },
  { name: 'symbols', test: (ch: string) => PASSWORD_SYMBOLS.includes(ch) },
];

/** What is wrong with a password a person chose, or null. Never echoes the password. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH.min) return `The password must be at least ${PASSWORD_LENGTH.min} characters (it has ${length}).`;
  if (length > PASSWORD_LENGTH.max) return `The password can be at most ${PASSWORD_LENGTH.max} characters.`;
  const unknown = [...password].filter((ch) => !CLASSES.some((c) => c.test(ch)));
  if (unknown.length > 0) {
    return 'The password contains a character that is not allowed. Use letters A-Z, digits, spaces and the symbols @ # $ % ^ & * - _ ! + = [ ] { } | \\ : \' , . ? / ~ " ( ) ; < > `.';
  }
  const missing = CLASSES.filter((c) => ![...password].some(c.test));
  if (missing.length > 1) {
    const names = missing.map((c) => c.name);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
    return `The password is too weak: use at least 3 of lowercase letters, uppercase letters, digits and symbols (missing ${list}).`;
  }
  return null;
}
