/**
 * Fills the bench database's directory with `count` users (straight through the store, as an import
 * batch would), so the user pickers' type-ahead is measured against a realistic directory.
 */
import { hashGeneratedPassword } from '../src/core/passwords/hash-password.js';
import { openDatabase } from '../src/db/open-database.js';
import { insertDirectoryUsersSkippingTaken, type NewDirectoryUser } from '../src/store/directory-users.js';
import { inTransaction } from '../src/store/database.js';

const FIRST = ['Ana', 'Bo', 'Cai', 'Dana', 'Eli', 'Femke', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kees', 'Lia', 'Mo', 'Nia', 'Oto', 'Pia'];
const LAST = ['Silva', 'Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'Bos', 'Vos', 'Peters', 'Hendriks'];

export async function seedDirectoryUsers(databaseUrl: string, count: number): Promise<void> {
  const db = await openDatabase(databaseUrl);
  try {
    const tenant = await db.db.selectFrom('Tenant').select(['id', 'initialDomain']).executeTakeFirstOrThrow();
    const hash = hashGeneratedPassword('not-a-real-password-bench-only');
    for (let start = 0; start < count; start += 5000) {
      const users: NewDirectoryUser[] = [];
      for (let i = start; i < Math.min(start + 5000, count); i++) {
        const first = FIRST[i % FIRST.length]!;
        const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
        const alias = `${first}.${last.replace(/ /g, '')}${i}`.toLowerCase();
        users.push({
          tenantId: tenant.id,
          userPrincipalName: `${alias}@${tenant.initialDomain}`,
          alias,
          domain: tenant.initialDomain,
          displayName: `${first} ${last} ${i}`,
          profile: { firstName: first, lastName: last },
          alternateEmail: null,
          usageLocation: 'NL',
          accountEnabled: true,
          slackUserId: null,
          passwordHash: hash,
          forceChangePassword: true,
        });
      }
      await inTransaction(db.db, (tx) => insertDirectoryUsersSkippingTaken(tx, users, new Date()));
    }
  } finally {
    await db.close();
  }
}
