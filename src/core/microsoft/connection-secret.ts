import type { SealedSecret } from '../../store/pending-credentials.js';
import { open, seal } from '../credentials/seal.js';

/**
 * The client secret of a connection, sealed with the secret key (AES-256-GCM) and bound to its
 * organization and client id: sealed bytes copied onto another organization's row do not open.
 */
const aad = (tenantId: string, clientId: string) => `roster-graph-secret:${tenantId}:${clientId}`;

export function sealClientSecret(key: Buffer, tenantId: string, clientId: string, secret: string): SealedSecret {
  return seal(key, secret, aad(tenantId, clientId));
}

/** The secret, or null when the key changed (ROSTER_SECRET_KEY or the key file) since it was sealed. */
export function openClientSecret(key: Buffer, tenantId: string, clientId: string, sealed: SealedSecret): string | null {
  return open(key, sealed, aad(tenantId, clientId));
}
