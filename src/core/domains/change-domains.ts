import { randomBytes } from 'node:crypto';
import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { reportChange } from '../context.js';
import { fail, ok, type Result } from '../result.js';
import { transactionOrDryRun } from '../dry-run.js';
import { writeAudit } from '../../store/audit.js';
import {
  countUsersOnDomain,
  deleteDomain,
  domainsOf,
  insertUnverifiedDomain,
  markDomainVerified,
  organizationHoldingDomain,
  setDefaultDomain,
  type DomainRecord,
} from '../../store/organizations.js';
import type { Db } from '../../store/database.js';
import { lockDomainName, lockOrganization } from '../../store/organization-lock.js';
import { checkDomainName } from './domain-name.js';

/** At most this many domains per organization (Microsoft 365 allows 5,000; a Slack message lists far fewer). */
export const MAX_DOMAINS = 40;

export const DOMAIN_CHANGES = ['add', 'verify', 'default', 'remove'] as const;
export type DomainChange = (typeof DOMAIN_CHANGES)[number];

/**
 * Adds, verifies, makes default or removes a custom domain (Global admins: `manage_domains`).
 * - add: an unverified domain with a TXT value to publish (`roster-verification=…`); refused when
 *   another organization holds it, or this one already has it.
 * - verify: in Roster's own directory the admin's confirmation is the verification (on a
 *   connected tenant the tenant's domains are read from it instead); users can then be made on it.
 * - default: the domain offered first for new users; it must be verified.
 * - remove: refused for the initial domain, the default one, and while any user (deleted ones
 *   within their 30 days included) has a username on it.
 * Decided inside the transaction that writes (a dry run rehearses it and writes nothing); audited;
 * the App Homes follow.
 */
export async function changeDomain(
  ctx: CoreContext,
  actor: Actor,
  change: DomainChange,
  text: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ domain: DomainRecord }>> {
  const auth = await authorize(ctx, actor, 'manage_domains');
  if (!auth.ok) return auth;
  const checked = checkDomainName(text);
  if ('problem' in checked) return fail('invalid_input', checked.problem, [{ field: 'domain', message: checked.problem }]);
  const { name } = checked;
  const tenantId = auth.tenant.id;
  const done = await transactionOrDryRun(ctx, options.dryRun ?? false, async (tx): Promise<Result<{ domain: DomainRecord }>> => {
    // Removing a domain counts its users (made under the same lock); adding and verifying one ask
    // whether another organization holds the name, which only the name's own lock keeps true.
    await lockOrganization(tx, tenantId);
    if (change === 'add' || change === 'verify') await lockDomainName(tx, name);
    const before = (await domainsOf(tx, tenantId)).find((d) => d.name === name);
    const refusal = await apply(tx, auth, change, name, ctx.now());
    if (refusal) return refusal;
    const after = (await domainsOf(tx, tenantId)).find((d) => d.name === name) ?? before;
    await writeAudit(
      tx,
      { tenantId, actor: auth.actorId, action: `domain.${change}`, targetType: 'domain', targetId: name, summary: SUMMARY[change](name) },
      ctx.now(),
    );
    return after ? ok({ domain: after }) : fail('not_found', `${name} is not a domain of ${auth.tenant.name}.`);
  });
  if (!done.ok) return done;
  if (done.value.ok && !options.dryRun) reportChange(ctx, auth.tenant, 'organization', actor);
  return done.value;
}

const SUMMARY: Record<DomainChange, (name: string) => string> = {
  add: (name) => `Added the domain ${name} (not verified yet)`,
  verify: (name) => `Verified the domain ${name}`,
  default: (name) => `Made ${name} the default domain`,
  remove: (name) => `Removed the domain ${name}`,
};

async function apply(tx: Db, auth: Authorized, change: DomainChange, name: string, now: Date) {
  const tenantId = auth.tenant.id;
  const domains = await domainsOf(tx, tenantId);
  const domain = domains.find((d) => d.name === name);
  if (change === 'add') {
    if (domain) return fail('invalid_input', `${name} is already a domain of ${auth.tenant.name}.`, [{ field: 'domain', message: 'already added' }]);
    if (domains.length >= MAX_DOMAINS)
      return fail('invalid_input', `${auth.tenant.name} has ${domains.length} domains, the most Roster keeps; remove one first.`);
    const holder = await organizationHoldingDomain(tx, name);
    if (holder && holder !== tenantId)
      return fail('invalid_input', `${name} belongs to another organization; a domain can be in one organization only.`, [
        { field: 'domain', message: 'in another organization' },
      ]);
    await insertUnverifiedDomain(tx, tenantId, name, `roster-verification=${randomBytes(12).toString('hex')}`, now);
    return null;
  }
  if (!domain) return fail('not_found', `${name} is not a domain of ${auth.tenant.name}. Add it first: \`/users domains add ${name}\`.`);
  if (change === 'verify') {
    if (domain.verified) return fail('invalid_input', `${name} is verified already.`);
    const holder = await organizationHoldingDomain(tx, name);
    if (holder && holder !== tenantId)
      return fail('invalid_input', `${name} was verified by another organization meanwhile; a domain can be in one organization only.`);
    await markDomainVerified(tx, tenantId, name);
    return null;
  }
  if (change === 'default') {
    if (!domain.verified) return fail('invalid_input', `${name} is not verified yet: verify it before making it the default.`);
    if (domain.isDefault) return fail('invalid_input', `${name} is the default domain already.`);
    await setDefaultDomain(tx, tenantId, name);
    return null;
  }
  if (domain.isInitial) return fail('invalid_input', `${name} is the initial domain; it cannot be removed.`);
  if (domain.isDefault) return fail('invalid_input', `${name} is the default domain: make another domain the default first.`);
  const users = await countUsersOnDomain(tx, tenantId, name);
  if (users > 0)
    return fail(
      'invalid_input',
      `${users.toLocaleString('en')} ${users === 1 ? 'user has a username' : 'users have usernames'} on ${name} (deleted users within their 30 days count): change their usernames first.`,
    );
  await deleteDomain(tx, tenantId, name);
  return null;
}
