/**
 * What went wrong talking to Microsoft Graph, as a kind the core turns into a sentence for the
 * admin (core/microsoft/graph-problems.ts). Never holds the client secret or a token: the token
 * request's body is never quoted, and Graph's own messages carry neither.
 */
export type GraphProblemKind =
  /** AADSTS7000215: the client secret is not one of the app's (or its ID was given instead of its value). */
  | 'wrong_secret'
  /** AADSTS7000222: the client secret has expired. */
  | 'expired_secret'
  /** AADSTS90002 / AADSTS900023: no such tenant (GUID or domain) on this cloud. */
  | 'unknown_tenant'
  /** AADSTS700016: no app with this client ID in the tenant. */
  | 'unknown_client'
  /** 403 Authorization_RequestDenied: the app lacks an application permission (`permission`). */
  | 'missing_permission'
  /** 404: the object asked for does not exist. */
  | 'not_found'
  /** 410: the delta token is no longer valid; a full read starts again. */
  | 'resync_required'
  /** 429 or 503 still answered after every retry. */
  | 'throttled'
  /** The service could not be reached (DNS, connection, timeout) or kept failing (5xx). */
  | 'unreachable'
  /** Anything else Graph or the sign-in service refused, with its code. */
  | 'refused';

export class GraphError extends Error {
  override readonly name = 'GraphError';

  constructor(
    readonly kind: GraphProblemKind,
    message: string,
    readonly details: {
      status?: number;
      /** Graph's `error.code`, or the sign-in service's `error`. */
      code?: string;
      /** The AADSTS number of a sign-in error. */
      aadsts?: number;
      /** The application permission the call needs (missing_permission). */
      permission?: string;
      /** The Microsoft Entra role the app needs besides (a password reset needs User Administrator). */
      role?: string;
      /** Graph's own message (never holds a password or a token). */
      said?: string;
      /** The properties Graph names as at fault (`details[].target`, such as userPrincipalName). */
      targets?: string[];
      /** Graph's inner code (`innerError.code` or `details[].code`, such as ObjectConflict). */
      innerCode?: string;
      /** What was asked: `GET /users/delta` (never a token or a query's values). */
      request?: string;
    } = {},
  ) {
    super(message);
  }
}

/** The first AADSTS number in a sign-in error (`error_codes`, else the description's `AADSTS…:`). */
export function aadstsCode(body: { error_codes?: unknown; error_description?: unknown }): number | undefined {
  if (Array.isArray(body.error_codes) && typeof body.error_codes[0] === 'number') return body.error_codes[0];
  const match = typeof body.error_description === 'string' ? /AADSTS(\d+)/.exec(body.error_description) : null;
  return match ? Number(match[1]) : undefined;
}
