import { aliasProblem, USERNAME_LIMITS } from '../rules/username.js';

/** A valid alias for the first admin: their email's local part, else their name, else "admin". */
export function aliasFromProfile(profile: { email?: string; firstName?: string; lastName?: string; displayName: string }): string {
  const candidates = [profile.email?.split('@')[0], [profile.firstName, profile.lastName].filter(Boolean).join('.'), profile.displayName];
  for (const candidate of candidates) {
    const alias = sanitize(candidate ?? '');
    if (alias && !aliasProblem(alias)) return alias;
  }
  return 'admin';
}

function sanitize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, '.')
    .replace(/[^a-z0-9'.\-_!#^~]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, USERNAME_LIMITS.alias)
    .replace(/\.+$/, '');
}
