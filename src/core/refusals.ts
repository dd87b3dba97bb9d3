/*
 * The sentences the core refuses with when more than one use case says the same thing, written
 * once: tests and people read them exactly as they are here. A sentence only one place says stays
 * beside its rule. (test/architecture.test.ts fails when a sentence is typed twice in src/core.)
 */
import { roleLabels, rolesGranting, type Role } from './roles.js';

/** A user picked or typed is gone (deleted meanwhile). */
export const USER_GONE = 'That user no longer exists (deleted a moment ago?).';
/** The same, on a form or button that can find them again. */
export const USER_GONE_FIND_AGAIN = `${USER_GONE} Find them again with \`/users show\`.`;

/** A deleted user picked by id who was restored or purged meanwhile. */
export const USER_NO_LONGER_DELETED = 'That user is no longer deleted (restored or removed for good meanwhile).';

/** A synced user's names, sign-in, roles and password belong to the on-premises directory. */
export const SYNCED_USER =
  'This user is synchronized from your on-premises Active Directory: change their names, sign-in, roles and password there, with your on-premises tools. Here you can change only their usage location and licenses.';

/** Deleting or restoring a synced user: the on-premises directory decides whether the account exists. */
export const SYNCED_USER_LIFECYCLE =
  'is synchronized from your on-premises Active Directory: delete or restore it there (its recycle bin), and the next synchronization does the same here.';

/** Blocking or removing the sign-in (or the role) of the last Global admin who can sign in. */
export const LAST_SIGN_IN_GLOBAL_ADMIN =
  'This is the last Global admin who can sign in: give another user the Global admin role first, so the organization is never left without one.';

/** Deleting the last Global admin who can sign in (after the username: "ana@contoso.com is the last…"). */
export const LAST_GLOBAL_ADMIN_TO_DELETE =
  'is the last Global admin who can sign in: the organization would have nobody left who can give roles. Make someone else a Global admin (or allow one to sign in) first.';

export const OWN_SIGN_IN = "You can't block your own sign-in: you would lose access. Ask another admin.";

export const USERNAME_NEEDED = 'Enter a username.';

export const DOMAIN_NEEDED = 'Choose a domain.';

export const DISPLAY_NAME_NEEDED = 'Enter a display name (or a first and last name to make one).';

export const IMPORT_TAKEN_OVER = 'Another Roster process took this import over; it goes on there.';

export const IMPORT_GONE = 'That import no longer exists. Upload the file again.';

/** What Roster does not change in a connected tenant (domains, admin roles, self-service subscriptions). */
export const CONNECTED_READ_ONLY =
  'This organization is connected to Microsoft 365: make this change in the Microsoft 365 admin center (admin roles in the Microsoft Entra admin center); it shows here after the next sync (`/users sync`).';

/** `/licenses buy` on a connected organization: Microsoft Graph cannot buy licenses. */
export const BUY_IN_THE_ADMIN_CENTER =
  'Licenses for a Microsoft 365 tenant cannot be bought through Microsoft Graph: buy them in the Microsoft 365 admin center, Billing → Purchase services (https://admin.microsoft.com/Adminportal/Home#/catalog). The new seats show here after the next sync (`/users sync`).';

/** Where a connected organization's admins buy more seats (said wherever Roster would say `/licenses buy`). */
export const BUY_MORE_IN_THE_ADMIN_CENTER =
  'Buy more in the Microsoft 365 admin center, Billing → Purchase services (https://admin.microsoft.com/Adminportal/Home#/catalog); new seats show here after the next sync.';

/** How to get more seats, as a sentence: with `/licenses buy` in Roster's own directory, in the admin center on a connected tenant. */
export function buyMoreSeats(directory: string): string {
  return directory === 'embedded'
    ? 'Buy more with `/licenses buy`'
    : 'Buy more in the Microsoft 365 admin center (Billing → Purchase services), then `/users sync`';
}

/** The tenant accepted a change, but Roster's copy changed meanwhile (another admin, a sync): the mirror takes what the tenant has. */
export const CONNECTED_CHANGED_MEANWHILE =
  'Microsoft 365 made the change, but the user changed in Roster at the same moment (another admin, or a sync): Roster now shows them as the tenant has them. Check them, and make your change again if it is still needed.';

/** The tenant accepted a change that Roster then refused to record (a rule decided again with what changed meanwhile). */
export function tenantMadeIt(reason: string): string {
  return `Microsoft 365 made the change, but Roster could not record it: ${reason} Roster now shows the user as the tenant has them.`;
}

/** Marking a user synced (or not) on a connected organization: the tenant says which users are synchronized. */
export const SYNCED_FROM_TENANT =
  'This organization is connected to Microsoft 365: whether a user is synchronized from on-premises Active Directory comes from the tenant (Microsoft Entra Connect), not from Roster.';

/** The organization is not connected to a tenant (status, sync, disconnect). */
export function notConnected(organizationName: string): string {
  return `${organizationName} is not connected to Microsoft 365: it uses Roster's own directory. A Global admin connects it with \`/users connect\`.`;
}

/** A license for a user without a usage location (Microsoft refuses it: licenses follow the country they are used in). */
export const NO_USAGE_LOCATION =
  'The user has no usage location, and licenses can only be assigned to users with one. Set it first (Edit user → Settings → Usage location).';

/** A Slack member linked to another user between the check and the write. */
export const MEMBER_LINKED_MEANWHILE = 'That Slack member was linked to another user a moment ago.';

export const WHOLE_NUMBER_OF_LICENSES = 'Enter a whole number of licenses.';

export const FOLDER_NOT_FILE = 'This is a folder, not a file: choose the CSV file itself.';

/** The roles the actor holds, as the last sentence of a refusal. */
export function rolesYouHave(roles: readonly Role[]): string {
  return roles.length > 0 ? `You have ${roleLabels(roles)}.` : 'You have no admin role in this organization.';
}

export function assigningLicensesNeeds(): string {
  return `Assigning licenses needs one of: ${roleLabels(rolesGranting('assign_licenses'))}.`;
}

/** A form whose shape did not parse: the paths of the fields missing or wrong. */
export function formIncomplete(issues: readonly { path: readonly PropertyKey[] }[]): string {
  return `The form is incomplete: ${issues.map((i) => i.path.join('.')).join(', ')}.`;
}

/** Apps (service plans) chosen that the product does not have. */
export function noSuchApps(productName: string, unknown: readonly string[]): string {
  return `${productName} has no app ${unknown.join(', ')}.`;
}

export function quantityRange(min: number, max: number): string {
  return `The quantity must be a whole number from ${min} to ${max.toLocaleString('en')}.`;
}

export function couldNotReadFile(error: unknown): string {
  return `Roster could not read the file (${error instanceof Error ? error.message : String(error)}): upload it again.`;
}

/** Two-person approval: nobody approves (or denies) their own request. */
export const OWN_REQUEST = 'You asked for this change yourself: another admin must approve it.';

/** Add user (one, or an import) under a policy that holds role grants: the role is given afterwards, as a request. */
export const ROLE_NEEDS_APPROVAL =
  "Giving an admin role needs a second admin's approval here: add the user without roles, then give the role in Edit user (it becomes a request an approver sees).";

/** Two-person approval: a second decision arrived as the first was being stored. */
export const DECIDED_MEANWHILE = 'This request was decided a moment ago (or its time ran out). See `/users approvals`.';

/** Scheduled offboarding under a policy that holds deletes: the delete cannot wait for an approver unattended. */
export const DELETE_NEEDS_APPROVAL =
  "Deleting users needs a second admin's approval here, so it cannot be scheduled: leave this empty and delete the user when the time comes (`/users delete`), which asks for the approval.";
