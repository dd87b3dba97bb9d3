import { describeError } from '../../log.js';
import { workspaceDeps, type ListenerDeps, type SlackAppDeps } from '../deps.js';
import { afterAck, reportFailure } from './after-ack.js';

/**
 * The one way Roster answers Slack. Every command, action, shortcut, options request and view
 * submission is acknowledged here (services/answering.ts registers them), never by a listener:
 *
 * 1. The listener's *plan* parses, checks with the core (reads, or a use case's dry run) and says
 *    what the ack carries (`reply`) and what follows it (`after`). Nothing external (no Web API
 *    call) and no change happens in a plan.
 * 2. The plan runs under `deps.ackBudgetMs`. Ready in time: the ack carries its reply. Not ready:
 *    the ack carries the surface's "working…" body, the plan finishes, and its reply is delivered
 *    another way (the modal updated by view id, response_url, or a DM).
 * 3. Then `after` runs, as after-ack work: a failure is logged (facts only) and the person gets a
 *    DM with a reference.
 * 4. When Slack did not get the ack (it threw: over HTTP, Bolt answered 404 at 3 s and the late
 *    ack cannot write its headers; or it was sent over 3 s after the request arrived: a Socket
 *    Mode ack never throws), a *change* is not made and the person is told so by DM. A *read*
 *    (list, find, show, open a form) still answers another way: nothing half-happens.
 *
 * "Arrived" is when `answer` starts. Before it only the edge's shape check (guard-receiver.ts),
 * Bolt's signature check, its authorize (a single bot token, or the workspace's installation from
 * memory: no Web API call) and `answerIn` picking the workspace's port run, which take microseconds
 * (the first request of a workspace after a start reads its installation from the database once);
 * Slack's own clock started earlier by the network's delay, which no app can see.
 */

/** Slack waits this long for an ack (Bolt's HTTP receiver answers 404 itself at 3001 ms). */
export const SLACK_ACK_LIMIT_MS = 3000;

/** What follows the ack: a change (made only if Slack got the ack in time), or a read. */
export interface Step {
  /** "restore the user": what the person is told was not done, or failed. */
  what: string;
  changes: boolean;
  run: () => Promise<void>;
}

/** A change: skipped, and the person told, when Slack did not get the ack in time. */
export const change = (what: string, run: () => Promise<void>): Step => ({ what, changes: true, run });

/** A read (show, list, open a form): runs even after a late ack; it answers by DM, response_url or views.open. */
export const read = (what: string, run: () => Promise<void>): Step => ({ what, changes: false, run });

/** What a listener's plan decided. */
export interface Plan<Reply> {
  /** The ack's body (none: a bare ack). */
  reply?: Reply;
  /** What runs after the ack. (Not `then`: a plan must never look like a promise.) */
  after?: Step;
}

/** How one kind of request is answered: its "working…" ack and its other way of saying a reply. */
export interface Surface<Reply> {
  /** command, action, view, options or shortcut (for the ack metrics). */
  kind?: string;
  /** Who asked: told by DM when the ack failed or the work failed. */
  userId: string;
  /** What the person asked for, for a plan that failed: "submit the Restore user form". */
  what: string;
  /** The ack's body when the plan misses the budget (none: a bare ack). */
  working?: Reply;
  /** Says `reply` another way, when the ack went without it. */
  deliver(reply: Reply | undefined): Promise<void>;
}

export type Ack<Reply> = (body?: Reply) => Promise<void>;

/**
 * `answer` in the workspace `teamId` (the request's team): its deps, with its Slack port, are what
 * the surface and the plan get. A request for a workspace Roster is not installed in (uninstalled
 * while Slack was sending it) is acked bare and ignored, logged in one line.
 */
export async function answerIn<Reply>(
  app: SlackAppDeps,
  teamId: string,
  ack: Ack<Reply>,
  request: (deps: ListenerDeps) => { surface: Surface<Reply>; plan: () => Plan<Reply> | Promise<Plan<Reply>> },
): Promise<void> {
  let deps: ListenerDeps;
  try {
    deps = await workspaceDeps(app, teamId);
  } catch (error) {
    app.logger.warn('a request from a workspace Roster cannot act in was ignored', { team: teamId, ...describeError(error) });
    await ack().catch(() => undefined);
    return;
  }
  let asked: ReturnType<typeof request>;
  try {
    asked = request(deps);
  } catch (error) {
    await ack().catch(() => undefined);
    deps.logger.error('a listener could not be built', describeError(error));
    return;
  }
  await answer(deps, ack, asked.surface, asked.plan);
}

/** Acks with the plan's reply, or "working…" first; then runs what follows. Never throws. */
export async function answer<Reply>(
  deps: ListenerDeps,
  ack: Ack<Reply>,
  surface: Surface<Reply>,
  plan: () => Plan<Reply> | Promise<Plan<Reply>>,
): Promise<void> {
  const arrived = performance.now();
  const planning = settle(plan);
  const early = await within(planning, deps.ackBudgetMs - (performance.now() - arrived));
  const inTime = early?.value.ok ? early.value.plan : null;
  const acked = await sendAck(deps, ack, inTime ? inTime.reply : surface.working, arrived);
  deps.metrics?.acked(
    surface.kind ?? 'other',
    !acked ? 'late' : early && !early.value.ok ? 'failed' : inTime ? 'answered' : 'working',
    (performance.now() - arrived) / 1000,
  );
  const planned = early ? early.value : await planning;
  if (!planned.ok) {
    await reportFailure(deps, surface.userId, surface.what, planned.error);
    return;
  }
  const { reply, after } = planned.plan;
  if (!acked && after?.changes) {
    await tellNothingChanged(deps, surface.userId, after.what);
    return;
  }
  // Late (the ack said "working…"), or not seen at all by Slack: the reply goes another way.
  if (!inTime || !acked) await deliver(deps, surface, reply);
  if (after) await afterAck(deps, surface.userId, after.what, after.run);
}

type Planned<Reply> = { ok: true; plan: Plan<Reply> } | { ok: false; error: unknown };

/** The plan's outcome; a plan that throws is an outcome too (the ack must go all the same). */
async function settle<Reply>(plan: () => Plan<Reply> | Promise<Plan<Reply>>): Promise<Planned<Reply>> {
  try {
    return { ok: true, plan: await plan() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Acks; true when Slack got it in time. */
async function sendAck<Reply>(deps: ListenerDeps, ack: Ack<Reply>, body: Reply | undefined, arrived: number): Promise<boolean> {
  try {
    await ack(body);
  } catch (error) {
    deps.logger.warn('the ack did not reach Slack', describeError(error));
    return false;
  }
  const tookMs = Math.round(performance.now() - arrived);
  if (tookMs <= SLACK_ACK_LIMIT_MS) return true;
  deps.logger.warn('the ack was sent too late for Slack', { tookMs });
  return false;
}

async function deliver<Reply>(deps: ListenerDeps, surface: Surface<Reply>, reply: Reply | undefined): Promise<void> {
  try {
    await surface.deliver(reply);
  } catch (error) {
    // The outcome still follows (by DM, or the modal updated again): only this message is lost.
    deps.logger.warn('a late answer could not be shown', describeError(error));
  }
}

async function tellNothingChanged(deps: ListenerDeps, userId: string, what: string): Promise<void> {
  deps.logger.warn('change skipped: Slack did not get the ack in time', { user: userId, what });
  await deps.slack
    .dm(userId, { text: `Slack did not get Roster's answer in time, so Roster did not ${what}: nothing was changed. Try again.` })
    .catch((error) => deps.logger.error('could not say that nothing was changed', describeError(error)));
}

/** The work's result if it is done within `ms`, else null (it goes on; await `work` for it). */
export async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | null> {
  if (ms <= 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
