/**
 * The application permission (least privileged) each Graph call Roster makes needs, so that a 403
 * names the one to grant (Graph's Authorization_RequestDenied does not). README.md lists them per feature.
 */
const READS: { path: RegExp; permission: string }[] = [
  { path: /^\/users(\/|\?|$)/, permission: 'User.Read.All' },
  { path: /^\/organization(\/|\?|$)/, permission: 'Organization.Read.All' },
  { path: /^\/subscribedSkus(\/|\?|$)/, permission: 'Organization.Read.All' },
  { path: /^\/domains(\/|\?|$)/, permission: 'Domain.Read.All' },
];

/** The permission a request needs, by its method and its path under /v1.0; undefined when Roster does not know. */
export function permissionFor(method: string, path: string): string | undefined {
  if (method.toUpperCase() !== 'GET') return undefined;
  return READS.find((read) => read.path.test(path))?.permission;
}
