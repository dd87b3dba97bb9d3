import { isTransient, retryAfterMs, waitBeforeRetry } from './retry-policy.js';
import type { Transport } from './token-source.js';

/** Graph's limit on the requests of one JSON batch. */
export const MAX_BATCH = 20;

/** One request of a JSON batch: `url` is relative to /v1.0 (`/users/ana@contoso.com`). */
export interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Requests of the same batch that must succeed first (Graph answers 424 when one failed). */
  dependsOn?: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface BatchSender {
  post(body: { requests: BatchRequest[] }): Promise<{ responses?: BatchResponse[] }>;
  transport: Transport;
  onThrottled(count: number, waitMs: number): void;
}

function header(response: BatchResponse, name: string): string | undefined {
  const found = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/**
 * Sends a batch and sends again what was throttled inside it, until every request has a final
 * answer or the attempts are spent (the last answer then stands). A request retried no longer
 * depends on one that already succeeded; one that depends on a request refused for good keeps its 424.
 */
export async function sendBatch(requests: readonly BatchRequest[], sender: BatchSender): Promise<BatchResponse[]> {
  const ids = new Set(requests.map((r) => r.id));
  if (ids.size !== requests.length) throw new Error('the ids of a JSON batch must differ');
  for (const request of requests)
    for (const dependency of request.dependsOn ?? [])
      if (!ids.has(dependency)) throw new Error(`${request.id} depends on ${dependency}, which is not in the batch`);
  const answers = new Map<string, BatchResponse>();
  let pending = [...requests];
  const { retry } = sender.transport;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const sent = pending.map((request) => {
      const dependsOn = (request.dependsOn ?? []).filter((d) => !answers.has(d));
      const { dependsOn: _all, ...rest } = request;
      return dependsOn.length > 0 ? { ...rest, dependsOn } : rest;
    });
    const reply = await sender.post({ requests: sent });
    const byId = new Map((reply.responses ?? []).map((r) => [String(r.id), r]));
    const again = new Set<string>();
    let longest: number | null = null;
    for (const request of pending) {
      const answer = byId.get(request.id) ?? { id: request.id, status: 503 };
      if (isTransient(answer.status)) {
        again.add(request.id);
        const wait = retryAfterMs(header(answer, 'retry-after'), sender.transport.now());
        if (wait !== null) longest = Math.max(longest ?? 0, wait);
      }
      answers.set(request.id, answer);
    }
    // A 424 whose dependency is tried again is tried again with it.
    for (const request of pending) if (answers.get(request.id)?.status === 424 && (request.dependsOn ?? []).some((d) => again.has(d))) again.add(request.id);
    if (again.size === 0 || attempt >= retry.maxAttempts) break;
    for (const id of again) answers.delete(id);
    pending = pending.filter((request) => again.has(request.id));
    const waitMs = waitBeforeRetry(retry, attempt, longest, sender.transport.random);
    sender.onThrottled(again.size, waitMs);
    await sender.transport.sleep(waitMs);
  }
  return requests.map((request) => answers.get(request.id) ?? { id: request.id, status: 503 });
}
