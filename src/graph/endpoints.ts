/**
 * Where Microsoft Graph and its sign-in service are: the global cloud by default; the US Government
 * and China clouds (and the tests' fake) through MICROSOFT_GRAPH_URL and MICROSOFT_LOGIN_URL.
 */
export interface GraphEndpoints {
  /** `https://graph.microsoft.com` (no path, no trailing slash). */
  graphUrl: string;
  /** `https://login.microsoftonline.com` (no trailing slash). */
  loginUrl: string;
}

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';
export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';

export const GLOBAL_ENDPOINTS: GraphEndpoints = { graphUrl: DEFAULT_GRAPH_URL, loginUrl: DEFAULT_LOGIN_URL };

/** The same URLs without a trailing slash. */
export function graphEndpoints(graphUrl: string = DEFAULT_GRAPH_URL, loginUrl: string = DEFAULT_LOGIN_URL): GraphEndpoints {
  return { graphUrl: graphUrl.replace(/\/+$/, ''), loginUrl: loginUrl.replace(/\/+$/, '') };
}

/** The v1.0 API every call goes to: `https://graph.microsoft.com/v1.0`. */
export function apiBase(endpoints: GraphEndpoints): string {
  return `${endpoints.graphUrl}/v1.0`;
}

/** The client credentials token endpoint of a tenant (its GUID or one of its domains). */
export function tokenUrl(endpoints: GraphEndpoints, tenant: string): string {
  return `${endpoints.loginUrl}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
}

/** The scope that asks for every application permission granted to the app on this cloud's Graph. */
export function graphScope(endpoints: GraphEndpoints): string {
  return `${new URL(endpoints.graphUrl).origin}/.default`;
}
