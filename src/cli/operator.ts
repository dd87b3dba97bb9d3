import { userInfo } from 'node:os';
import type { OperatorActor } from '../core/context.js';
import { isRole, ROLE_IDS, type Role } from '../core/roles.js';

/**
 * Who acts at the command line: the local account, named in the audit as `cli:<name>`, with the
 * roles given explicitly. By default a Global admin, since whoever can run the CLI on the server can
 * open its database anyway; `--role` narrows it (to script as, or try, a User admin for instance).
 */
export function operatorActor(workspace: string, role: string | undefined): { ok: true; actor: OperatorActor } | { ok: false; message: string } {
  const wanted = role ?? 'global_admin';
  if (!isRole(wanted)) return { ok: false, message: `--role must be one of: ${ROLE_IDS.join(', ')}` };
  const roles: Role[] = [wanted];
  return { ok: true, actor: { teamId: workspace, operator: userInfo().username, roles } };
}
