import { createHash } from 'node:crypto';
import type { GraphEndpoints } from './endpoints.js';
import { GraphClient } from './graph-client.js';
import { DEFAULT_TRANSPORT, type AppCredentials, type Transport } from './token-source.js';

/**
 * Makes Graph clients on one set of endpoints: `client(key, credentials)` keeps one per
 * organization (its token cached between syncs) and makes a new one when the credentials change;
 * `probe` makes a client for credentials not saved yet (the connect form). Built by the runtime.
 */
export class GraphConnector {
  private readonly clients = new Map<string, { fingerprint: string; client: GraphClient }>();

  constructor(
    readonly endpoints: GraphEndpoints,
    private readonly transport: Transport = DEFAULT_TRANSPORT,
  ) {}

  /** The organization's client (the same one while its credentials stay the same). */
  client(key: string, credentials: AppCredentials): GraphClient {
    const fingerprint = createHash('sha256').update(`${credentials.tenant}\n${credentials.clientId}\n${credentials.clientSecret}`).digest('base64');
    const kept = this.clients.get(key);
    if (kept && kept.fingerprint === fingerprint) return kept.client;
    const client = new GraphClient(this.endpoints, credentials, this.transport);
    this.clients.set(key, { fingerprint, client });
    return client;
  }

  /** A client of its own, for credentials being tried out. */
  probe(credentials: AppCredentials): GraphClient {
    return new GraphClient(this.endpoints, credentials, this.transport);
  }

  /** Forgets an organization's client (disconnected). */
  forget(key: string): void {
    this.clients.delete(key);
  }
}
