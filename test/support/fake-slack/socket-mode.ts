/**
 * Socket Mode of the fake Slack: `apps.connections.open` (app-level token) hands out a one-use
 * ws:// URL on the fake's own port; the websocket says `hello`, then the test delivers envelopes
 * `{envelope_id, type, payload, accepts_response_payload}` and gets back the app's ack
 * `{envelope_id, payload}`, as https://api.slack.com/apis/socket-mode describes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { FakeState, Handler } from './state.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the app sent back for one envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

interface PendingAck {
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  private connectWaiters: (() => void)[] = [];
  /** Messages from the app that are not a well-formed ack of a delivered envelope. */
  readonly problems: string[] = [];

  constructor(private readonly s: FakeState) {}

  /** The body of a successful apps.connections.open. */
  openConnection(): { ok: true; url: string } {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    const wsUrl = this.s.config.url.replace(/^http/, 'ws');
    return { ok: true, url: `${wsUrl}/link/?ticket=${ticket}&app_id=${this.s.config.appId}` };
  }

  /** Accepts websocket upgrades on the fake's HTTP server for tickets it issued. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'ws://fake');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
    });
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Resolves once an app holds an open connection (it has been sent `hello`). */
  waitForConnection(timeoutMs = 5000): Promise<void> {
    if (this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Slack: no Socket Mode connection after ${timeoutMs} ms`)), timeoutMs);
      this.connectWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Sends an envelope to the connected app and resolves with its ack. `timeoutMs` only guards
   * against a hang (the test fails instead of waiting forever); it is not a speed check.
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options: { acceptsResponsePayload?: boolean; timeoutMs?: number } = {}): Promise<SocketAck> {
    const socket = [...this.sockets][0];
    if (!socket) return Promise.reject(new Error('fake Slack: no app is connected over Socket Mode'));
    const envelopeId = randomUUID();
    const acceptsResponsePayload = options.acceptsResponsePayload ?? type !== 'events_api';
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`fake Slack: no ack for the ${type} envelope after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload }));
    });
  }

  async close(): Promise<void> {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('fake Slack closed while waiting for an ack'));
    }
    this.pending.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connected(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('message', (data, isBinary) => this.received(data, isBinary));
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.s.config.appId },
      }),
    );
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const wake of waiters) wake();
  }

  private received(data: RawData, isBinary: boolean): void {
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }
    const ack = message as Partial<SocketAck> | undefined;
    const pending = typeof ack?.envelope_id === 'string' ? this.pending.get(ack.envelope_id) : undefined;
    const extraKeys = ack ? Object.keys(ack).filter((key) => key !== 'envelope_id' && key !== 'payload') : [];
    if (!ack || !pending || extraKeys.length > 0 || (ack.payload !== undefined && (typeof ack.payload !== 'object' || ack.payload === null))) {
      this.problems.push(`not an ack of a delivered envelope: ${text.slice(0, 200)}`);
      return;
    }
    this.pending.delete(ack.envelope_id as string);
    clearTimeout(pending.timer);
    this.s.record({ method: '$socket_ack', args: { ...ack }, at: Date.now(), response: { ok: true } });
    pending.resolve(ack as SocketAck);
  }
}

/** `apps.connections.open`: called with the app-level token (the router checks which token). */
export const socketModeMethods: Record<string, Handler> = {
  'apps.connections.open': (_args, s) => {
    if (!s.socketMode) return { ok: false, error: 'internal_error' };
    return s.socketMode.openConnection();
  },
};

/** Methods that take the app-level token (xapp-) instead of the bot token. */
export const APP_TOKEN_METHODS = new Set(Object.keys(socketModeMethods));
