import { randomUUID } from 'node:crypto';
import type { GraphAssignedLicense, GraphUser } from '../../../src/graph/graph-types.js';
import { graphFault, type Answer } from './graph-routes.js';
import type { FakeApp, FakeGraphState } from './state.js';
import type { FakeTenant, FakeUser, FakeUserFields } from './tenant.js';

/**
 * The changes the fake Graph takes (v1.0), checked as Graph checks them and refused with its codes
 * and messages: create, update, delete, restore and purge a user, assign licenses, invite a guest.
 * A user made or restored here stays invisible to reads for `tenant.visibilityDelayMs` (Graph's
 * replicas catch up within seconds): a request about them answers 404 until then.
 */

const WRITE = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
const INVITE = ['User.Invite.All', ...WRITE];
/** Entra roles that let an app set another user's password (Graph's "who can perform sensitive actions"). */
const PASSWORD_ROLES = ['User Administrator', 'Helpdesk Administrator', 'Privileged Authentication Administrator', 'Global Administrator'];

const denied = () => graphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
const badRequest = (message: string, details?: { code: string; target: string }[]) =>
  details ? { ...graphFault(400, 'Request_BadRequest', message), body: withDetails(message, details) } : graphFault(400, 'Request_BadRequest', message);
const notFound = (id: string) =>
  graphFault(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

function withDetails(message: string, details: { code: string; target: string }[]): unknown {
  return {
    error: { code: 'Request_BadRequest', message, details, innerError: { date: new Date().toISOString(), 'request-id': 'fake', 'client-request-id': 'fake' } },
  };
}

const GRAPH_PROFILE = [
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'officeLocation',
  'businessPhones',
  'mobilePhone',
  'faxNumber',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'otherMails',
] as const;

type Body = Record<string, unknown>;

/** A change to the tenant (not a GET), from an app with `app.permissions` and `app.roles`. */
export function writeRoute(s: FakeGraphState, method: string, path: string, body: Body, app: FakeApp): Answer | null {
  const t = s.tenant;
  const has = (any: string[]) => any.some((p) => app.permissions.includes(p));
  if (method === 'POST' && path === '/invitations') return has(INVITE) ? invite(t, body) : denied();
  if (method === 'POST' && path === '/users') return has(WRITE) ? createUser(t, body) : denied();
  const deleted = /^\/directory\/deletedItems\/([^/]+)(\/restore)?$/.exec(path);
  if (deleted) {
    if (!has(WRITE)) return denied();
    const id = decodeURIComponent(deleted[1]!);
    const state = t.users.get(id);
    if (!state || state.deletedSeq === null || state.purgedSeq !== null) return notFound(id);
    if (method === 'DELETE' && !deleted[2]) {
      t.purgeUser(id);
      return { status: 204 };
    }
    if (method === 'POST' && deleted[2]) {
      // newUserPrincipalName: restored under another username, when theirs is someone else's now.
      const renamed = typeof body.newUserPrincipalName === 'string' ? body.newUserPrincipalName : undefined;
      if (renamed) {
        const problem = upnProblem(t, renamed);
        if (problem) return problem;
      } else if (t.holderOf(state.user.userPrincipalName!))
        return badRequest('A conflicting object with one or more of the specified property values is present in the directory.', [
          { code: 'ObjectConflict', target: 'userPrincipalName' },
        ]);
      t.restoreUser(id, renamed);
      state.visibleAt = Date.now() + t.visibilityDelayMs;
      return { status: 200, body: { '@odata.type': '#microsoft.graph.user', ...state.user } };
    }
    return null;
  }
  const manager = /^\/users\/([^/]+)\/manager\/\$ref$/.exec(path);
  if (manager) return has(WRITE) ? managerReference(t, method, decodeURIComponent(manager[1]!), body) : denied();
  const one = /^\/users\/([^/]+)(\/assignLicense)?$/.exec(path);
  if (!one) return null;
  if (!has(WRITE)) return denied();
  const ref = decodeURIComponent(one[1]!);
  const state = visible(t, ref);
  if (!state) return notFound(ref);
  if (one[2] && method === 'POST') return assignLicense(t, state, body);
  if (method === 'DELETE' && !one[2]) {
    t.deleteUser(state.user.id);
    return { status: 204 };
  }
  if (method === 'PATCH' && !one[2]) {
    if ('passwordProfile' in body && !(app.roles ?? []).some((role) => PASSWORD_ROLES.includes(role))) return denied();
    return updateUser(t, state, body);
  }
  return null;
}

/**
 * PUT /users/{id}/manager/$ref with `{"@odata.id": ".../users/{managerId}"}` (or `.../directoryObjects/{id}`):
 * 204; a manager or user not found: 404. DELETE /users/{id}/manager/$ref: 204, or 404 when they have no manager.
 */
function managerReference(t: FakeTenant, method: string, ref: string, body: Body): Answer | null {
  const state = visible(t, ref);
  if (!state) return notFound(ref);
  if (method === 'DELETE') {
    if (!state.managerId) return notFound(ref);
    t.setManager(state.user.id, null);
    return { status: 204 };
  }
  if (method !== 'PUT') return null;
  const link = body['@odata.id'];
  const id = typeof link === 'string' ? /\/(?:users|directoryObjects)\/([^/?]+)$/.exec(link)?.[1] : undefined;
  if (!id) return badRequest("Invalid request body: '@odata.id' must name a directory object.");
  const target = visible(t, decodeURIComponent(id));
  if (!target) return notFound(decodeURIComponent(id));
  if (target.user.id === state.user.id) return badRequest("Invalid value specified for property 'manager' of resource 'User'.");
  t.setManager(state.user.id, target.user.id);
  return { status: 204 };
}

/** The user by id or username, once visible to reads; undefined while deleted, gone or not replicated yet. */
export function visible(t: FakeTenant, ref: string): FakeUser | undefined {
  const state = t.find(ref);
  if (!state || state.deletedSeq !== null || state.visibleAt > Date.now()) return undefined;
  return state;
}

function createUser(t: FakeTenant, body: Body): Answer {
  for (const required of ['accountEnabled', 'displayName', 'mailNickname', 'passwordProfile', 'userPrincipalName'])
    if (body[required] === undefined || body[required] === null || body[required] === '')
      return badRequest(`Property '${required}' is required when creating the entity.`);
  const upn = String(body.userPrincipalName);
  const problem = upnProblem(t, upn) ?? passwordProblem(body.passwordProfile) ?? usageLocationProblem(body.usageLocation);
  if (problem) return problem;
  const fields: Partial<FakeUserFields> & { userPrincipalName: string } = {
    userPrincipalName: upn,
    displayName: String(body.displayName),
    accountEnabled: body.accountEnabled === true,
    usageLocation: typeof body.usageLocation === 'string' ? body.usageLocation : null,
    lastPasswordChangeDateTime: new Date().toISOString(),
  };
  for (const property of GRAPH_PROFILE) if (body[property] !== undefined) Object.assign(fields, { [property]: body[property] });
  const user = t.addUser(fields);
  t.users.get(user.id)!.visibleAt = Date.now() + t.visibilityDelayMs;
  return { status: 201, body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...user } };
}

function updateUser(t: FakeTenant, state: FakeUser, body: Body): Answer {
  const changes: Partial<FakeUserFields> = {};
  if (typeof body.userPrincipalName === 'string' && body.userPrincipalName.toLowerCase() !== state.user.userPrincipalName?.toLowerCase()) {
    const problem = upnProblem(t, body.userPrincipalName);
    if (problem) return problem;
    changes.userPrincipalName = body.userPrincipalName;
  }
  if (body.passwordProfile !== undefined) {
    const problem = passwordProblem(body.passwordProfile);
    if (problem) return problem;
    changes.lastPasswordChangeDateTime = new Date().toISOString();
  }
  if (body.usageLocation !== undefined) {
    const problem = usageLocationProblem(body.usageLocation);
    if (problem) return problem;
    changes.usageLocation = body.usageLocation as string | null;
  }
  for (const property of ['displayName', 'accountEnabled', ...GRAPH_PROFILE] as const)
    if (body[property] !== undefined) Object.assign(changes, { [property]: body[property] });
  if (Object.keys(changes).length > 0) t.updateUser(state.user.id, changes);
  return { status: 204 };
}

/** addLicenses and removeLicenses checked together, as Graph does: usage location, seats, mutually exclusive plans, prerequisites. */
function assignLicense(t: FakeTenant, state: FakeUser, body: Body): Answer {
  const add = (Array.isArray(body.addLicenses) ? body.addLicenses : []) as GraphAssignedLicense[];
  const remove = (Array.isArray(body.removeLicenses) ? body.removeLicenses : []) as string[];
  if (!Array.isArray(body.addLicenses) || !Array.isArray(body.removeLicenses))
    return badRequest("Invalid value specified for property 'addLicenses' or 'removeLicenses': both are required.");
  const held = new Map((state.user.assignedLicenses ?? []).map((l) => [l.skuId.toLowerCase(), l]));
  for (const skuId of remove) {
    if (!held.has(skuId.toLowerCase())) return badRequest('User does not have a corresponding license.');
    held.delete(skuId.toLowerCase());
  }
  if (add.length > 0 && !state.user.usageLocation) return badRequest('License assignment cannot be done for user with invalid usage location.');
  for (const license of add) {
    const sku = t.skus.get(license.skuId.toLowerCase()) ?? t.skus.get(license.skuId);
    if (!sku) return badRequest(`License ${license.skuId} does not correspond to a valid company License.`);
    if (!held.has(sku.skuId.toLowerCase()) && t.consumedUnits(sku.skuId) >= sku.enabled)
      return badRequest(`Subscription ${sku.skuId} does not have any available licenses.`);
    held.set(sku.skuId.toLowerCase(), { skuId: sku.skuId, disabledPlans: [...(license.disabledPlans ?? [])] });
  }
  const enabled = new Set<string>();
  for (const license of held.values())
    for (const plan of t.skus.get(license.skuId)?.servicePlans ?? [])
      if (!license.disabledPlans.includes(plan.servicePlanId)) enabled.add(plan.servicePlanId.toLowerCase());
  for (const family of t.exclusivePlans) {
    const both = family.filter((id) => enabled.has(id.toLowerCase()));
    if (both.length > 1) return badRequest(`License assignment failed because service plans ${both.join(',')} are mutually exclusive.`);
  }
  for (const [plan, needs] of t.planNeeds)
    if (enabled.has(plan.toLowerCase()) && !needs.some((id) => enabled.has(id.toLowerCase())))
      return badRequest(`License assignment failed because service plan ${plan} depends on the service plan(s) ${needs.join(',')}.`);
  t.setLicenses(state.user.id, [...held.values()]);
  return { status: 200, body: state.user };
}

function invite(t: FakeTenant, body: Body): Answer {
  if (typeof body.invitedUserEmailAddress !== 'string' || !body.invitedUserEmailAddress.includes('@'))
    return graphFault(400, 'BadRequest', "The property 'invitedUserEmailAddress' is required and must be an email address.");
  if (typeof body.inviteRedirectUrl !== 'string') return graphFault(400, 'BadRequest', "The property 'inviteRedirectUrl' is required.");
  const email = body.invitedUserEmailAddress;
  const at = email.lastIndexOf('@');
  const upn = `${email.slice(0, at)}_${email.slice(at + 1).toLowerCase()}#EXT#@${t.initialDomain}`;
  const user: GraphUser =
    t.holderOf(upn)?.user ??
    t.addUser({
      userPrincipalName: upn,
      displayName: typeof body.invitedUserDisplayName === 'string' ? body.invitedUserDisplayName : email.slice(0, at),
      userType: 'Guest',
      otherMails: [email],
      mail: email,
    });
  const state = t.users.get(user.id)!;
  if (state.visibleAt === 0) state.visibleAt = Date.now() + t.visibilityDelayMs;
  return {
    status: 201,
    body: {
      id: randomUUID(),
      invitedUserEmailAddress: email,
      invitedUserDisplayName: user.displayName,
      inviteRedirectUrl: body.inviteRedirectUrl,
      sendInvitationMessage: body.sendInvitationMessage === true,
      status: 'PendingAcceptance',
      invitedUserType: 'Guest',
      inviteRedeemUrl: `https://login.microsoftonline.com/redeem?tenant=${t.id}`,
      invitedUser: { id: user.id },
    },
  };
}

function upnProblem(t: FakeTenant, upn: string): Answer | null {
  const domain = upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
  if (!t.domains.some((d) => d.isVerified && d.id === domain))
    return badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.', [
      { code: 'InvalidValue', target: 'userPrincipalName' },
    ]);
  if (t.holderOf(upn))
    return badRequest('Another object with the same value for property userPrincipalName already exists.', [
      { code: 'ObjectConflict', target: 'userPrincipalName' },
    ]);
  return null;
}

/** Words of Microsoft Entra's global banned password list the fake knows (a password holding one is refused, whatever its classes). */
const BANNED_WORDS = ['password', 'welcome', 'letmein', 'qwerty'];

/** Microsoft Entra's password rules: 8 to 256 characters, three of upper case, lower case, digits and symbols, no banned word. */
function passwordProblem(profile: unknown): Answer | null {
  const password = (profile as { password?: unknown } | null)?.password;
  if (typeof password !== 'string') return badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const banned = BANNED_WORDS.some((word) => password.toLowerCase().includes(word));
  if (password.length < 8 || password.length > 256 || classes < 3 || banned)
    return badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
  return null;
}

function usageLocationProblem(value: unknown): Answer | null {
  if (value === undefined || value === null || (typeof value === 'string' && /^[A-Z]{2}$/.test(value))) return null;
  return badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
}
