import type { Answer } from './graph-routes.js';
import type { FakeGraphState } from './state.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/** A sign-in refusal as Microsoft Entra writes it: `error`, `error_description` starting with the AADSTS code, `error_codes`. */
function signInFault(status: number, error: string, code: number, description: string): Answer {
  const trace = '00000000-0000-0000-0000-000000000000';
  const at = new Date().toISOString().replace('T', ' ').slice(0, 19);
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${trace}\r\nTimestamp: ${at}Z`,
      error_codes: [code],
      timestamp: `${at}Z`,
      trace_id: trace,
      correlation_id: trace,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** POST {login}/{tenant}/oauth2/v2.0/token with the client credentials grant, checked as Entra checks it. */
export function tokenRoute(s: FakeGraphState, tenant: string, form: URLSearchParams): Answer {
  if (!GUID.test(tenant) && !DOMAIN.test(tenant))
    return signInFault(400, 'invalid_request', 900023, `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`);
  if (!s.tenant.isNamed(tenant))
    return signInFault(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  if (form.get('grant_type') !== 'client_credentials') return signInFault(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  const scope = form.get('scope');
  if (scope !== `${new URL(s.graphUrl).origin}/.default`)
    return signInFault(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
    );
  const clientId = form.get('client_id') ?? '';
  const app = s.apps.get(clientId);
  if (!app)
    return signInFault(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${s.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  if (form.get('client_secret') !== app.secret)
    return signInFault(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  if (app.secretExpired)
    return signInFault(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
    );
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: s.tokenLifetime, ext_expires_in: s.tokenLifetime, access_token: s.issueToken(app.clientId) },
  };
}
