import { GraphError } from '../../graph/graph-error.js';
import { PRODUCTS, productBySkuId } from '../catalogue/catalogue.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import { fail, type CoreError, type FieldError } from '../result.js';
import { NO_USAGE_LOCATION } from '../refusals.js';
import { graphProblem } from './graph-problems.js';

/**
 * The tenant's words: what Microsoft Graph refused, said as the Microsoft 365 admin center says it,
 * on the form field it concerns (docs/domain.md "Connected organizations"). The one place that reads
 * Graph's refusals of a change; a sign-in, permission or network problem is graphProblem's.
 */
export function tenantProblem(error: unknown, change: DirectoryChange, tenantName: string): CoreError {
  if (!(error instanceof GraphError)) throw error;
  const { details } = error;
  const said = details.said ?? '';
  const upn = change.user.userPrincipalName;
  // The username the change asked for: a rename's new one, a restore's chosen one (the user's own otherwise).
  const asked = change.kind === 'update' ? (change.changes.userPrincipalName ?? upn) : change.kind === 'restore' ? change.userPrincipalName : upn;
  if (error.kind === 'missing_permission') return missingPermission(error, tenantName);
  // A manager reference names two users: the one missing may be the manager (Graph does not say which).
  if (error.kind === 'not_found' && change.kind === 'manager')
    return onField(
      'not_found',
      'manager',
      `${tenantName} no longer has ${upn} or the manager chosen (removed there since the last sync?). Sync (\`/users sync\`) and choose again.`,
    );
  if (error.kind === 'not_found')
    return fail(
      'not_found',
      `${upn} is no longer in ${tenantName} (removed there since the last sync?). Roster shows the tenant's users as they are after the next sync (\`/users sync\`).`,
    );
  if (details.status !== 400) return graphProblem(error, tenantName);
  if (/invalid usage location/i.test(said)) return onField('invalid_input', 'licenses', NO_USAGE_LOCATION);
  const noSeats = /Subscription ([0-9a-f-]{36}) does not have any available licenses/i.exec(said);
  if (noSeats || /does not have any available licenses/i.test(said)) {
    const name = productName(noSeats?.[1]);
    return onField(
      'no_seats',
      'licenses',
      `No ${name} licenses are left in ${tenantName}: every one is assigned. Buy more in the Microsoft 365 admin center (Billing → Purchase services) or unassign one, then try again.`,
    );
  }
  if (/mutually exclusive/i.test(said)) {
    const plans = planNames(said);
    return onField(
      'invalid_input',
      'licenses',
      `${tenantName} refused: ${plans.length >= 2 ? `the ${plans[0]} and ${plans[1]} apps` : 'two of these apps'} are mutually exclusive, so one user can't have both. Pick one of the products, or turn one of those apps off.`,
    );
  }
  const dependency = /service plan ([0-9a-f-]{36}) depends on the service plan\(s\) (.*)$/i.exec(said);
  if (dependency || /depends on/i.test(said)) {
    const [needing, ...needed] = planNames(said);
    return onField(
      'invalid_input',
      'licenses',
      `${tenantName} refused: ${needing ?? 'an app of this product'} needs ${needed.length ? needed.join(' or ') : 'another app'} first. Assign a product that includes it (or turn that app back on), then try again.`,
    );
  }
  if (/password complexity/i.test(said))
    return onField(
      'invalid_input',
      'password',
      `${tenantName} refused this password: it needs 8 to 256 characters with three of these four: upper-case letters, lower-case letters, digits and symbols. Choose another.`,
    );
  if (/domain portion of the userPrincipalName/i.test(said))
    return onField('invalid_input', 'domain', `${domainOf(asked)} is not a verified domain of ${tenantName}. Choose one of its domains (\`/users domains\`).`);
  if (details.innerCode === 'ObjectConflict' || /same value for property userPrincipalName|conflicting object/i.test(said)) {
    if (change.kind === 'invite') return onField('conflict', 'email', `${change.email} is already a user of ${tenantName}.`);
    return onField('conflict', 'alias', `The username ${asked} is already used in ${tenantName} (by a user added there since the last sync?). Choose another.`);
  }
  return fail('conflict', `${tenantName} refused the change to ${upn}: ${said || error.message}`);
}

/** An app missing a permission or a role, named, with where to grant it. */
function missingPermission(error: GraphError, tenantName: string): CoreError {
  const { permission, role } = error.details;
  if (!role) return graphProblem(error, tenantName);
  return fail(
    'forbidden',
    `${tenantName} refused to set a password: the app needs the ${role} role${permission ? ` (besides the ${permission} permission)` : ''}. In Entra admin center → Roles & admins → ${role} → Add assignments, add the app, then try again.`,
  );
}

function onField(code: CoreError['code'], field: string, message: string): CoreError {
  const fields: FieldError[] = [{ field, message }];
  return fail(code, message, fields);
}

function productName(skuId: string | undefined): string {
  return (skuId && productBySkuId(skuId)?.displayName) || 'these';
}

/** The service plans a message names by id, as the catalogue names them. */
function planNames(text: string): string[] {
  return [...text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)].map((m) => {
    const id = m[0].toLowerCase();
    // Products name a plan in different cases: the one written as words, when there is one.
    const names = PRODUCTS.flatMap((product) => product.plans.filter((p) => p.id === id).map((p) => p.displayName || p.name));
    return names.find((name) => name !== name.toUpperCase()) ?? names[0] ?? id;
  });
}

function domainOf(upn: string): string {
  return upn.slice(upn.lastIndexOf('@') + 1);
}
