/**
 * Jobs as the core and the store both see them (no SQL, no Slack): work that can outlive a request,
 * run by exactly one runner at a time under a lease, resumed from its progress after a crash.
 */

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

/** Which runners may claim a job: any app instance (`app`), or one command-line process (`cli:<instance>`). */
export type JobQueue = 'app' | `cli:${string}`;

export interface JobRecord {
  id: string;
  tenantId: string | null;
  kind: string;
  key: string | null;
  queue: string;
  status: JobStatus;
  /** Read by the job's handler with its own schema. */
  payload: unknown;
  /** How far it got: what a resumed run starts from, and what admins see. */
  progress: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  requestedBy: string;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  cancelRequested: boolean;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface NewJob {
  tenantId: string | null;
  kind: string;
  /** Enqueueing the same key again makes no second job. */
  key?: string;
  queue?: JobQueue;
  payload: unknown;
  requestedBy: string;
  maxAttempts?: number;
  /** Not run before this moment (default: at once). */
  runAt?: Date;
}
