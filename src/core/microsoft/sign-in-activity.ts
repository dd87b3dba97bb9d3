import type { GraphClient, GraphPage } from '../../graph/graph-client.js';
import { GraphError } from '../../graph/graph-error.js';
import { SIGN_IN_PERMISSION } from '../../graph/permissions.js';
import type { ConnectionRecord } from '../../store/directory-connections.js';
import type { MirroredSignIn } from '../../store/directory-mirror-signins.js';

/**
 * Users' sign-in activity (docs/domain.md "Connected organizations"): Graph's `signInActivity`,
 * which delta queries do not return, read by the sync in a pass of its own over every user, at most
 * once every SIGN_IN_INTERVAL_MS. It needs AuditLog.Read.All and an Entra ID P1 or P2 tenant; when
 * either is missing the sync goes on without it and the connect status says why.
 */

/** The pass's first page (999: the most Graph gives a page when signInActivity is asked for). */
export const SIGN_IN_QUERY = '/users?$select=id,signInActivity&$top=999';

/** A sync reads sign-in activity again when this long has passed since its last try. */
export const SIGN_IN_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Graph's code when the tenant has no Entra ID P1 or P2 license (the permission may be granted). */
export const NON_PREMIUM_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

export interface GraphSignInUser {
  id: string;
  signInActivity?: {
    lastSignInDateTime?: string | null;
    lastNonInteractiveSignInDateTime?: string | null;
    lastSuccessfulSignInDateTime?: string | null;
  } | null;
}

/**
 * Whether this sync reads sign-in activity: never tried, the last try is SIGN_IN_INTERVAL_MS old, or
 * the sync is not the schedule's (`/users sync`, `roster sync`, the first after connecting: everything
 * fresh, and a permission just granted is seen at once).
 */
export function signInPassDue(connection: Pick<ConnectionRecord, 'signInTriedAt'>, now: Date, askedByAdmin: boolean): boolean {
  if (!connection.signInTriedAt || askedByAdmin) return true;
  return now.getTime() - connection.signInTriedAt.getTime() >= SIGN_IN_INTERVAL_MS;
}

/** A user's last sign-in: the latest of the interactive, non-interactive and successful ones; null when none (never signed in). */
export function lastSignInOf(user: GraphSignInUser): MirroredSignIn {
  const activity = user.signInActivity ?? {};
  const times = [activity.lastSignInDateTime, activity.lastNonInteractiveSignInDateTime, activity.lastSuccessfulSignInDateTime]
    .flatMap((value) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [Date.parse(value)] : []))
    // Graph writes 0001-01-01T00:00:00Z for "none" in some tenants.
    .filter((ms) => ms > 0);
  return { externalId: user.id, lastSignInAt: times.length > 0 ? new Date(Math.max(...times)) : null };
}

/** One page of the pass (the first query, or a nextLink of the page before). */
export function readSignInPage(client: GraphClient, link: string): Promise<GraphPage<GraphSignInUser>> {
  return client.page<GraphSignInUser>(link);
}

/**
 * Why the tenant refused the pass, as the connect status says it (what to do included); null when
 * the error is not one of those refusals (the sync then fails as for any other Graph error).
 */
export function signInRefusal(error: unknown): string | null {
  if (!(error instanceof GraphError) || error.kind !== 'missing_permission') return null;
  if (error.details.code === NON_PREMIUM_CODE)
    return 'the tenant has no Microsoft Entra ID P1 or P2 license (Microsoft gives sign-in activity only to those: Microsoft 365 Business Premium, E3 or E5 include it). Inactive users are not proposed for reclaiming until it has one.';
  return `the app lacks the ${SIGN_IN_PERMISSION} permission (application). In Entra admin center → App registrations → the app → API permissions, add Microsoft Graph › Application permissions › ${SIGN_IN_PERMISSION}, grant admin consent, then run /users sync.`;
}
