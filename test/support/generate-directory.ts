import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import type { Role } from '../../src/core/roles.js';
import type { Db } from '../../src/store/database.js';
import { inTransaction } from '../../src/store/database.js';
import { insertDirectoryUser, insertDirectoryUsersSkippingTaken, setMailboxAndLicenseError, type NewDirectoryUser } from '../../src/store/directory-users.js';
import { lockOrganization } from '../../src/store/organization-lock.js';
import { addSubscription, assignLicense } from '../../src/store/seat-ledger.js';
import { softDeleteUser } from '../../src/store/user-lifecycle.js';

/**
 * A directory of `count` users with varied fields, made straight through the store functions (as an
 * import would), and the same users as plain objects, so tests can check each view against a plain
 * filter and the bench can measure at 100,000. Deterministic for a given seed.
 */

export const GENERATED_PRODUCTS = ['O365_BUSINESS_ESSENTIALS', 'ENTERPRISEPACK'].map((partNumber) => {
  const product = productByPartNumber(partNumber)!;
  return { skuId: product.skuId, partNumber: product.partNumber };
});

export interface GeneratedUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  domain: string;
  usageLocation: string | null;
  department: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  userType: 'member' | 'guest';
  source: 'cloud' | 'synced';
  licenseError: string | null;
  mailbox: 'none' | 'active' | 'grace';
  skuIds: string[];
  roles: Role[];
  deleted: boolean;
}

const FIRST = ['Ana', 'Émile', 'Zoë', 'Liam', 'Noah', 'Olivia', 'Mia', 'Lucas', 'Sofía', 'Jan', 'Anneke', 'Björn', 'Chen', 'Priya', 'Ahmed', 'Olu'];
const LAST = ['Silva', 'de Vries', 'Müller', "O'Brien", 'Smith-Jones', 'Kowalski', 'Nguyen', 'Jansen', 'García', 'Lee'];
const DOMAINS = ['contoso.onmicrosoft.com', 'contoso.ca', 'contoso.com'];
const LOCATIONS = ['CA', 'NL', 'US', null];
const DEPARTMENTS = ['Sales', 'Engineering', 'HR', null];
const CITIES = ['Toronto', 'Amsterdam', 'Seattle', null];
const STATES = ['Ontario', 'Noord-Holland', 'WA', null];
const COUNTRIES = ['Canada', 'Netherlands', 'United States', null];
const TITLES = ['Engineer', 'Manager', 'Sales rep', null];
const ROLES: Role[] = ['global_admin', 'user_admin', 'billing_admin', 'helpdesk_admin', 'service_support_admin', 'license_admin'];

/** mulberry32: a small seeded generator, so every run makes the same directory. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateDirectory(db: Db, tenantId: string, count: number, options: { seed?: number; at?: Date } = {}): Promise<GeneratedUser[]> {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const at = options.at ?? new Date('2026-12-01T09:00:00Z');
  const users: (GeneratedUser & { input: NewDirectoryUser })[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const domain = pick(DOMAINS);
    const alias = `${first}.${last}.${i}`
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^A-Za-z0-9.]/g, '')
      .toLowerCase();
    const profile = {
      firstName: first,
      lastName: last,
      department: pick(DEPARTMENTS),
      city: pick(CITIES),
      state: pick(STATES),
      country: pick(COUNTRIES),
      jobTitle: pick(TITLES),
    };
    const user: GeneratedUser = {
      id: '',
      // Many users share a display name: the keyset's id breaks the ties.
      displayName: `${first} ${last}`,
      userPrincipalName: `${alias}@${domain}`,
      domain,
      usageLocation: pick(LOCATIONS),
      department: profile.department,
      city: profile.city,
      state: profile.state,
      country: profile.country,
      jobTitle: profile.jobTitle,
      accountEnabled: random() > 0.15,
      userType: random() < 0.05 ? 'guest' : 'member',
      source: random() < 0.2 ? 'synced' : 'cloud',
      licenseError: random() < 0.03 ? 'No Microsoft 365 Business Basic seats were left: buy more, then assign it.' : null,
      mailbox: 'none',
      skuIds: GENERATED_PRODUCTS.filter(() => random() < 0.45).map((p) => p.skuId),
      roles: random() < 0.02 ? [pick(ROLES)] : [],
      deleted: random() < 0.02,
    };
    if (user.skuIds.length === 0 && random() < 0.2) user.mailbox = random() < 0.5 ? 'active' : 'grace';
    const input: NewDirectoryUser = {
      tenantId,
      userPrincipalName: user.userPrincipalName,
      alias,
      domain,
      displayName: user.displayName,
      profile: Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== null)),
      alternateEmail: null,
      usageLocation: user.usageLocation,
      accountEnabled: user.accountEnabled,
      slackUserId: null,
      passwordHash: 'hmac-sha256$generated$not-a-password',
      forceChangePassword: true,
      ...(user.licenseError ? { licenseError: user.licenseError } : {}),
    };
    users.push({ ...user, input });
  }
  for (let start = 0; start < users.length; start += 5000) {
    const chunk = users.slice(start, start + 5000);
    await inTransaction(db, async (tx) => {
      const plain = chunk.filter((u) => u.roles.length === 0);
      const made = await insertDirectoryUsersSkippingTaken(
        tx,
        plain.map((u) => u.input),
        at,
      );
      for (const u of plain) u.id = made.get(u.userPrincipalName.toLowerCase())!;
      for (const u of chunk.filter((c) => c.roles.length > 0)) u.id = await insertDirectoryUser(tx, u.input, u.roles, at);
      for (const kind of ['guest', 'synced'] as const) {
        const ids = chunk.filter((u) => (kind === 'guest' ? u.userType === 'guest' : u.source === 'synced')).map((u) => u.id);
        if (ids.length > 0)
          await tx
            .updateTable('DirectoryUser')
            .set(kind === 'guest' ? { userType: 'guest' } : { source: 'synced' })
            .where('id', 'in', ids)
            .execute();
      }
      for (const u of chunk.filter((c) => c.mailbox !== 'none')) {
        await setMailboxAndLicenseError(
          tx,
          u.id,
          { mailbox: { state: u.mailbox, graceEndsAt: u.mailbox === 'grace' ? new Date(at.getTime() + 30 * 86_400_000) : null } },
          at,
        );
      }
    });
  }
  await inTransaction(db, async (tx) => {
    // The seats are written as Roster writes them: under the organization's lock.
    await lockOrganization(tx, tenantId);
    for (const product of GENERATED_PRODUCTS) {
      const holders = users.filter((u) => u.skuIds.includes(product.skuId));
      await addSubscription(tx, { tenantId, ...product, quantity: Math.max(holders.length, 1) }, at);
      await assignLicense(
        tx,
        tenantId,
        product.skuId,
        holders.map((u) => ({ userId: u.id, disabledPlans: [] })),
        at,
      );
    }
    for (const u of users.filter((c) => c.deleted)) await softDeleteUser(tx, u.id, [], at);
  });
  return users.map(({ input: _input, ...user }) => user);
}
