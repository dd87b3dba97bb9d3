import { GraphError } from '../../graph/graph-error.js';
import { fail, type CoreError } from '../result.js';

/**
 * Graph's refusals in the admin's words, each saying what to do (README "Connect Microsoft 365"
 * names where each value is found). The field a connect form shows the problem on, when one does.
 */
export function graphProblem(error: unknown, tenantName = 'the tenant'): CoreError {
  if (!(error instanceof GraphError)) throw error;
  const { details } = error;
  const aadsts = details.aadsts ? ` (AADSTS${details.aadsts})` : '';
  switch (error.kind) {
    case 'wrong_secret':
      return fail(
        'invalid_input',
        `Microsoft refused the client secret${aadsts}: it is not a secret of this app registration. Copy the secret's Value (not its Secret ID) from Entra admin center → App registrations → the app → Certificates & secrets.`,
        [{ field: 'clientSecret', message: 'Not a secret of this app: copy its Value, not its Secret ID.' }],
      );
    case 'expired_secret':
      return fail('invalid_input', `The client secret has expired${aadsts}. Add a new one under Certificates & secrets and connect with it.`, [
        { field: 'clientSecret', message: 'This secret has expired.' },
      ]);
    case 'unknown_tenant':
      return fail(
        'invalid_input',
        `Microsoft knows no tenant by that name${aadsts}. Give the Tenant ID (a GUID, Entra admin center → Overview) or one of the tenant's verified domains, such as contoso.onmicrosoft.com.`,
        [{ field: 'tenant', message: 'No such tenant: use the Tenant ID or a verified domain.' }],
      );
    case 'unknown_client':
      return fail(
        'invalid_input',
        `The tenant has no app with that Client ID${aadsts}. Use the Application (client) ID from the app registration's Overview, in this tenant.`,
        [{ field: 'clientId', message: 'No app with this Client ID in the tenant.' }],
      );
    case 'missing_permission':
      return fail(
        'forbidden',
        details.permission
          ? `The app lacks the ${details.permission} permission (application) in ${tenantName}. In Entra admin center → App registrations → the app → API permissions, add Microsoft Graph › Application permissions › ${details.permission}, then Grant admin consent.`
          : `${tenantName} refused the app (${details.request ?? 'a Graph call'}): grant it the application permissions README.md lists, with admin consent.`,
      );
    case 'throttled':
      return fail(
        'conflict',
        `Microsoft Graph kept answering "too many requests" for ${tenantName}; Roster waited as it asked and gave up for now. Try again in a few minutes.`,
      );
    case 'unreachable':
      return fail('conflict', `Roster could not reach Microsoft (${error.message}). Check this server's network access to Microsoft Graph, then try again.`);
    default:
      return fail('conflict', `Microsoft refused: ${error.message}.`);
  }
}
