/**
 * Drive a Bolt app over real HTTP the way Slack does: signed requests with Slack's exact content
 * types and payload shapes. Pair with startFakeSlack() so trigger_ids / response_urls are real.
 *
 *   const sim = new SlackClientSim({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret, fake });
 *   const res = await sim.command('/roster', 'add user', { userId: 'U0ADMIN01' });
 */
import { createHmac } from 'node:crypto';
import { validateBlocks } from './block-kit-validator.js';
import { unescapedBlockProblems, unescapedTextProblems } from './fake-slack/escaping.js';
import type { FakeSlack } from './fake-slack-api.js';
import {
  type WorkspaceIdentity,
  actionTs,
  blockActionPayload,
  blockSuggestionPayload,
  commandPayload,
  eventEnvelope,
  globalShortcutPayload,
  messageShortcutPayload,
  urlVerificationPayload,
  viewClosedPayload,
  viewSubmissionPayload,
} from './slack-payloads.js';
import { type ActionSelection, type StateValues, buildAction, buildViewState, interactiveElements } from './slack-view-state.js';

export * from './slack-payloads.js';
export * from './slack-view-state.js';

type Obj = Record<string, unknown>;

export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${hex}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SimResponse {
  status: number;
  /** Parsed JSON when the app answered JSON, else the text ('' for an empty ack). */
  body: unknown;
  headers: Record<string, string>;
  elapsedMs: number;
  /** What Slack would object to: non-200, slower than 3 s, invalid blocks / response_action in the ack. */
  problems: string[];
}

export interface SlackClientSimOptions {
  /** e.g. http://127.0.0.1:PORT/slack/events */
  appUrl: string;
  signingSecret: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  fake?: FakeSlack;
}

interface Common {
  triggerId?: string;
  overrides?: Obj;
}

export interface BlockActionOptions extends ActionSelection, Common {
  userId: string;
  actionId: string;
  blockId?: string;
  /** The modal / home view the element is in (as returned by the fake). */
  view?: object;
  /** The message the element is in (e.g. fake.messagesIn(channel)[0]). */
  message?: object;
  channelId?: string;
  /** Other input values in the view at the time of the action. */
  values?: StateValues;
}

const SLACK_TIMEOUT_MS = 3000;

export class SlackClientSim {
  readonly identity: WorkspaceIdentity;

  constructor(private readonly opts: SlackClientSimOptions) {
    const teamId = opts.teamId ?? opts.fake?.teamId ?? 'T0ROSTER1';
    // A workspace the fake knows gives its own domain and bot (one added with addTeam, or the configured one).
    const team = opts.fake?.team(teamId);
    this.identity = {
      teamId,
      teamDomain: opts.teamDomain ?? team?.domain ?? opts.fake?.teamDomain ?? 'roster-test',
      apiAppId: opts.apiAppId ?? opts.fake?.appId ?? 'A0ROSTERAPP',
      botUserId: team?.botUserId ?? opts.fake?.botUserId,
    };
  }

  /** POSTs `body` with exactly `headers` (no signing): for bad-signature / stale-timestamp tests. */
  async raw(body: string, headers: Record<string, string>): Promise<SimResponse> {
    const started = performance.now();
    const res = await fetch(this.opts.appUrl, { method: 'POST', headers, body });
    const text = await res.text();
    const elapsedMs = performance.now() - started;
    const headersObj = Object.fromEntries(res.headers.entries());
    let parsed: unknown = text;
    if ((headersObj['content-type'] ?? '').includes('json') && text !== '') parsed = JSON.parse(text) as unknown;
    const problems: string[] = [];
    if (res.status !== 200) problems.push(`HTTP ${res.status}: Slack treats non-200 acks as failures`);
    if (elapsedMs > SLACK_TIMEOUT_MS) problems.push(`ack took ${Math.round(elapsedMs)} ms; Slack gives up after 3 s`);
    return { status: res.status, body: parsed, headers: headersObj, elapsedMs, problems };
  }

  /** Signs and POSTs a body with the given content type. */
  send(body: string, contentType: string, extraHeaders: Record<string, string> = {}): Promise<SimResponse> {
    return this.raw(body, { 'content-type': contentType, ...signSlackRequest(this.opts.signingSecret, body), ...extraHeaders });
  }

  sendForm(fields: Record<string, string>): Promise<SimResponse> {
    return this.send(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  }

  sendInteraction(payload: Obj): Promise<SimResponse> {
    return this.sendForm({ payload: JSON.stringify(payload) });
  }

  sendJson(payload: Obj, extraHeaders: Record<string, string> = {}): Promise<SimResponse> {
    return this.send(JSON.stringify(payload), 'application/json', extraHeaders);
  }

  private trigger(userId: string, given: string | undefined, viewId?: string): string | undefined {
    return given ?? this.opts.fake?.issueTriggerId({ userId, viewId });
  }

  async command(
    command: string,
    text: string,
    o: { userId: string; userName?: string; channelId?: string; channelName?: string; triggerId?: string; overrides?: Record<string, string> },
  ): Promise<SimResponse> {
    const channelId = o.channelId ?? 'C0GENERAL1';
    const fields = commandPayload(
      this.identity,
      {
        ...o,
        command,
        text,
        channelId,
        triggerId: this.trigger(o.userId, o.triggerId),
        responseUrl: this.opts.fake?.issueResponseUrl({ channelId, userId: o.userId }),
      },
      o.overrides,
    );
    const res = await this.sendForm(fields);
    if (typeof res.body === 'object' && res.body !== null && 'blocks' in res.body) {
      res.problems.push(...validateBlocks((res.body as Obj).blocks, 'message').map((p) => `ack message: ${p}`));
    }
    if (typeof res.body === 'object' && res.body !== null) {
      const body = res.body as Obj;
      res.problems.push(
        ...(typeof body.text === 'string' ? unescapedTextProblems(body.text, 'ack text') : []),
        ...unescapedBlockProblems(body.blocks, 'ack blocks'),
      );
    }
    return res;
  }

  /** Submits a modal. Uses the fake's latest version of the view when it knows it (like Slack). */
  async viewSubmission(view: object, values: StateValues, o: { userId: string; userName?: string } & Common): Promise<SimResponse> {
    const viewId = typeof (view as Obj).id === 'string' ? String((view as Obj).id) : undefined;
    const rec = viewId !== undefined ? this.opts.fake?.viewRecord(viewId) : undefined;
    if (rec?.closed) throw new Error(`view ${viewId} was already closed; Slack cannot submit it`);
    const current = (rec?.view ?? view) as Obj;
    const state = buildViewState(current.blocks, values, { requireInputs: true });
    const payload = viewSubmissionPayload(
      this.identity,
      { ...o, view: current, values: state, triggerId: this.trigger(o.userId, o.triggerId, viewId) },
      o.overrides,
    );
    const res = await this.sendInteraction(payload);
    const ackBody = res.body === '' ? undefined : res.body;
    if (this.opts.fake && viewId !== undefined && res.status === 200) {
      res.problems.push(...this.opts.fake.applyViewResponse(viewId, ackBody, o.userId));
    }
    return res;
  }

  viewClosed(view: object, o: { userId: string; isCleared?: boolean; overrides?: Obj }): Promise<SimResponse> {
    return this.sendInteraction(viewClosedPayload(this.identity, { ...o, view: view as Obj }, o.overrides));
  }

  /** A user clicks/selects an element of a view or message; the element is looked up by actionId. */
  async blockAction(o: BlockActionOptions): Promise<SimResponse> {
    const given = o.view as Obj | undefined;
    const known = typeof given?.id === 'string' ? this.opts.fake?.viewRecord(given.id)?.view : undefined;
    const view = (known ?? given) as Obj | undefined;
    const message = o.message as Obj | undefined;
    const container = view ?? message;
    const ts = actionTs();
    let action: Obj;
    let stateValues: StateValues | undefined;
    if (container) {
      const loc = interactiveElements(container.blocks).find((e) => e.element.action_id === o.actionId && (o.blockId === undefined || e.blockId === o.blockId));
      if (!loc) {
        const ids = interactiveElements(container.blocks).map((e) => `${e.blockId}.${String(e.element.action_id)}`);
        throw new Error(`no element with action_id ${o.actionId} in the ${view ? 'view' : 'message'} (has: ${ids.join(', ') || 'none'})`);
      }
      const built = buildAction(loc, o, ts);
      action = built.action;
      if (view) {
        stateValues = buildViewState(container.blocks, o.values ?? {}, { requireInputs: false });
        if (built.state) (stateValues[loc.blockId] ??= {})[o.actionId] = built.state;
      }
    } else {
      action = { type: 'button', action_id: o.actionId, block_id: o.blockId ?? 'actions', value: o.value, action_ts: ts };
    }
    const viewId = typeof view?.id === 'string' ? view.id : undefined;
    const channelId = o.channelId ?? (typeof message?.channel === 'string' ? message.channel : undefined);
    const responseUrl = message ? this.opts.fake?.issueResponseUrl({ channelId, userId: o.userId, messageTs: String(message.ts) }) : undefined;
    const payload = blockActionPayload(
      this.identity,
      { ...o, view, message, action, channelId, responseUrl, stateValues, triggerId: this.trigger(o.userId, o.triggerId, viewId) },
      o.overrides,
    );
    return this.sendInteraction(payload);
  }

  /** A member opens or types `value` in an external_select; checks the options answered against Slack's limits. */
  async blockSuggestion(o: { userId: string; view: object; blockId: string; actionId: string; value: string }): Promise<SimResponse> {
    const res = await this.sendInteraction(blockSuggestionPayload(this.identity, { ...o, view: o.view as Obj }));
    const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as { options?: unknown[]; option_groups?: { options?: unknown[] }[] };
    if (!body.options && !body.option_groups) res.problems.push('options answer has neither options nor option_groups');
    if ((body.options?.length ?? 0) > 100) res.problems.push(`options answer has ${body.options!.length} options; Slack allows 100`);
    if ((body.option_groups?.length ?? 0) > 100) res.problems.push(`options answer has ${body.option_groups!.length} groups; Slack allows 100`);
    for (const group of body.option_groups ?? []) {
      if ((group.options?.length ?? 0) > 100) res.problems.push(`an option group has ${group.options!.length} options; Slack allows 100`);
    }
    return res;
  }

  globalShortcut(callbackId: string, o: { userId: string } & Common): Promise<SimResponse> {
    return this.sendInteraction(
      globalShortcutPayload(this.identity, { callbackId, userId: o.userId, triggerId: this.trigger(o.userId, o.triggerId) }, o.overrides),
    );
  }

  messageShortcut(callbackId: string, o: { userId: string; channelId: string; message: object } & Common): Promise<SimResponse> {
    const responseUrl = this.opts.fake?.issueResponseUrl({ channelId: o.channelId, userId: o.userId });
    return this.sendInteraction(
      messageShortcutPayload(
        this.identity,
        { ...o, message: o.message as Obj, callbackId, responseUrl, triggerId: this.trigger(o.userId, o.triggerId) },
        o.overrides,
      ),
    );
  }

  /** An Events API delivery; retryNum/retryReason add Slack's retry headers. */
  event(event: Obj, o: { eventId?: string; eventTime?: number; retryNum?: number; retryReason?: string; overrides?: Obj } = {}): Promise<SimResponse> {
    const headers: Record<string, string> = {};
    if (o.retryNum !== undefined) headers['x-slack-retry-num'] = String(o.retryNum);
    if (o.retryReason !== undefined) headers['x-slack-retry-reason'] = o.retryReason;
    return this.sendJson(eventEnvelope(this.identity, event, o, o.overrides), headers);
  }

  urlVerification(challenge: string): Promise<SimResponse> {
    return this.sendJson(urlVerificationPayload(this.identity, challenge));
  }
}
