import { fail, invalidFields, type CoreError, type FieldError } from '../result.js';

/** What the admin gives to connect (the Connect Microsoft 365 form, or `roster connect`). */
export interface ConnectInput {
  /** The tenant's ID (a GUID) or one of its domains. */
  tenant: string;
  clientId: string;
  clientSecret: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The input trimmed, or each field's problem (the secret itself is never quoted). */
export function checkConnectInput(input: ConnectInput): ({ ok: true } & ConnectInput) | CoreError {
  const tenant = input.tenant.trim().toLowerCase();
  const clientId = input.clientId.trim().toLowerCase();
  const clientSecret = input.clientSecret.trim();
  const problems: FieldError[] = [];
  if (!GUID.test(tenant) && !DOMAIN.test(tenant))
    problems.push({
      field: 'tenant',
      message: 'Enter the Tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) or a domain of the tenant (contoso.onmicrosoft.com).',
    });
  if (!GUID.test(clientId)) problems.push({ field: 'clientId', message: "Enter the Application (client) ID: a GUID, on the app registration's Overview." });
  if (clientSecret.length === 0) problems.push({ field: 'clientSecret', message: "Enter the client secret's Value (Certificates & secrets)." });
  else if (clientSecret.length > 1024 || /\s/.test(clientSecret))
    problems.push({ field: 'clientSecret', message: "That is not a client secret: paste the secret's Value alone." });
  if (problems.length > 0) return problems.length === 1 ? fail('invalid_input', problems[0]!.message, problems) : invalidFields(problems);
  return { ok: true, tenant, clientId, clientSecret };
}
