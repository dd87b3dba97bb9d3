/** views.* of the fake Slack API, plus how Slack applies a view_submission ack (response_action). */
import { validateView } from '../block-kit-validator.js';
import { type FakeState, type FakeTeam, type Handler, checkView, optStr, reqStr, requireArgs, withGeneratedIds } from './state.js';
import { type SlackView, type TriggerInfo, type ViewRecord, SlackApiError } from './types.js';

const MAX_VIEW_STACK = 3;

/** Checks a trigger_id like Slack: issued by us, unused, younger than the TTL (3 s). Consumes it. */
function consumeTrigger(s: FakeState, triggerId: string): TriggerInfo {
  const t = s.triggers.get(triggerId);
  if (!t) throw new SlackApiError('invalid_trigger_id', [`[ERROR] trigger_id ${triggerId} was never issued`]);
  if (t.used) throw new SlackApiError('invalid_trigger_id', [`[ERROR] trigger_id ${triggerId} was already used`]);
  if (t.teamId !== undefined && t.teamId !== s.caller.id) {
    throw new SlackApiError('invalid_trigger_id', [`[ERROR] trigger_id was issued in workspace ${t.teamId}, not ${s.caller.id}`]);
  }
  const age = Date.now() - t.issuedAt;
  if (age > s.config.triggerTtlMs) {
    throw new SlackApiError('expired_trigger_id', [`[ERROR] trigger_id is ${age} ms old (limit ${s.config.triggerTtlMs} ms)`]);
  }
  t.used = true;
  return t;
}

function checkExternalIdFree(s: FakeState, externalId: unknown, exceptViewId?: string): void {
  if (typeof externalId !== 'string' || externalId === '') return;
  for (const rec of s.views.values()) {
    if (rec.view.external_id === externalId && rec.view.id !== exceptViewId && !rec.closed) {
      throw new SlackApiError('duplicate_external_id');
    }
  }
}

function newHash(s: FakeState): string {
  return `${Math.floor(Date.now() / 1000)}.${s.nextToken()}`;
}

function buildView(
  s: FakeState,
  input: Record<string, unknown>,
  id: string,
  root: string | null,
  previous: string | null,
  team: FakeTeam = s.caller,
): SlackView {
  const { state: _state, hash: _hash, id: _id, ...rest } = input;
  return {
    ...rest,
    id,
    team_id: team.id,
    type: input.type === 'home' ? 'home' : 'modal',
    blocks: withGeneratedIds(Array.isArray(input.blocks) ? input.blocks : [], s),
    private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
    callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
    external_id: typeof input.external_id === 'string' ? input.external_id : '',
    state: { values: {} },
    hash: newHash(s),
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    root_view_id: root,
    previous_view_id: previous,
    app_id: s.config.appId,
    app_installed_team_id: team.id,
    bot_id: team.botId,
  };
}

/** A view stays in the workspace it was opened in, whoever's ack or call replaces it. */
function teamOfView(s: FakeState, rec: ViewRecord): FakeTeam {
  return s.teams.get(rec.view.team_id) ?? s.caller;
}

function findView(s: FakeState, viewId: string | undefined, externalId: string | undefined): ViewRecord {
  if (viewId !== undefined) {
    const rec = s.views.get(viewId);
    if (rec) return rec;
  } else if (externalId !== undefined) {
    const rec = [...s.views.values()].reverse().find((r) => r.view.external_id === externalId);
    if (rec) return rec;
  }
  throw new SlackApiError('not_found', [`[ERROR] no view with ${viewId !== undefined ? `view_id ${viewId}` : `external_id ${externalId}`}`]);
}

/** Replaces a stored view with a new version (views.update / response_action update). */
export function replaceView(s: FakeState, rec: ViewRecord, input: Record<string, unknown>): SlackView {
  const next = buildView(s, input, rec.view.id, rec.view.root_view_id, rec.view.previous_view_id, teamOfView(s, rec));
  rec.history.push(rec.view);
  rec.view = next;
  return next;
}

function openView(s: FakeState, input: Record<string, unknown>, via: ViewRecord['openedVia'], t: TriggerInfo): SlackView {
  const id = s.nextId('V');
  const parent = via === 'views.push' && t.viewId !== undefined ? s.views.get(t.viewId) : undefined;
  const depth = parent ? parent.depth + 1 : 1;
  if (depth > MAX_VIEW_STACK) throw new SlackApiError('push_limit_reached');
  const view = buildView(s, input, id, parent?.view.root_view_id ?? id, parent?.view.id ?? null);
  s.views.set(id, { view, openedVia: via, userId: t.userId, closed: false, history: [], depth });
  return view;
}

function openOrPush(via: 'views.open' | 'views.push'): Handler {
  return (args, s) => {
    requireArgs(args, ['trigger_id', 'view']);
    const triggerId = reqStr(args, 'trigger_id');
    const input = checkView(args.view, 'modal');
    checkExternalIdFree(s, input.external_id);
    const trigger = consumeTrigger(s, triggerId);
    return { ok: true, view: openView(s, input, via, trigger) };
  };
}

export const viewMethods: Record<string, Handler> = {
  'views.open': openOrPush('views.open'),
  'views.push': openOrPush('views.push'),

  'views.update': (args, s) => {
    requireArgs(args, ['view']);
    const viewId = optStr(args, 'view_id');
    const externalId = optStr(args, 'external_id');
    if (viewId === undefined && externalId === undefined) {
      throw new SlackApiError('invalid_arguments', ['[ERROR] view_id or external_id is required']);
    }
    const rec = findView(s, viewId, externalId);
    if (rec.view.team_id !== s.caller.id)
      throw new SlackApiError('not_found', [`[ERROR] view ${rec.view.id} is in workspace ${rec.view.team_id}, not ${s.caller.id}`]);
    const input = checkView(args.view, rec.view.type);
    const hash = optStr(args, 'hash');
    if (hash !== undefined && hash !== rec.view.hash) throw new SlackApiError('hash_conflict');
    checkExternalIdFree(s, input.external_id, rec.view.id);
    return { ok: true, view: replaceView(s, rec, input) };
  },

  'views.publish': (args, s) => {
    requireArgs(args, ['user_id', 'view']);
    const userId = reqStr(args, 'user_id');
    if (!s.isUserId(userId)) throw new SlackApiError('invalid_arguments', [`[ERROR] user_id ${userId} is not a user id`]);
    s.checkUserOfCaller(userId);
    const input = checkView(args.view, 'home');
    const existingId = s.homes.get(userId);
    const existing = existingId !== undefined ? s.views.get(existingId) : undefined;
    const hash = optStr(args, 'hash');
    if (hash !== undefined && existing && hash !== existing.view.hash) throw new SlackApiError('hash_conflict');
    if (existing) return { ok: true, view: replaceView(s, existing, input) };
    const id = s.nextId('V');
    const view = buildView(s, input, id, id, null);
    s.views.set(id, { view, openedVia: 'views.publish', userId, closed: false, history: [], depth: 0 });
    s.homes.set(userId, id);
    return { ok: true, view };
  },
};

/**
 * What Slack does with the HTTP body an app returns to a view_submission: closes the modal, shows
 * errors, updates or pushes. Returns the problems Slack would have (it then shows the user a generic
 * "We had some trouble connecting" error instead).
 */
export function applyViewResponse(s: FakeState, viewId: string, body: unknown, userId?: string): string[] {
  const rec = s.views.get(viewId);
  if (body === undefined || body === null || body === '') {
    if (rec) rec.closed = true;
    return [];
  }
  if (typeof body !== 'object' || Array.isArray(body)) return [`view_submission ack body must be empty or a JSON object, got ${JSON.stringify(body)}`];
  const b = body as Record<string, unknown>;
  const action = b.response_action;
  switch (action) {
    case 'clear':
      for (const r of s.views.values()) if (rec && r.view.root_view_id === rec.view.root_view_id) r.closed = true;
      return [];
    case 'errors': {
      const errors = b.errors;
      if (typeof errors !== 'object' || errors === null) return ['response_action errors needs an errors object'];
      const inputIds = new Set(
        (rec?.view.blocks ?? []).flatMap((blk) => {
          const o = blk as Record<string, unknown>;
          return o.type === 'input' && typeof o.block_id === 'string' ? [o.block_id] : [];
        }),
      );
      return Object.entries(errors).flatMap(([blockId, msg]) => [
        ...(rec && !inputIds.has(blockId) ? [`response_action errors: ${JSON.stringify(blockId)} is not the block_id of an input block in the view`] : []),
        ...(typeof msg !== 'string' || msg.length === 0 ? [`response_action errors: message for ${blockId} must be a non-empty string`] : []),
      ]);
    }
    case 'update':
    case 'push': {
      const problems = validateView(b.view, 'modal');
      if (problems.length > 0 || !rec) return problems;
      const input = b.view as Record<string, unknown>;
      if (action === 'update') replaceView(s, rec, input);
      else {
        if (rec.depth + 1 > MAX_VIEW_STACK) return ['response_action push: push_limit_reached (max 3 views in a stack)'];
        const view = buildView(s, input, s.nextId('V'), rec.view.root_view_id, rec.view.id, teamOfView(s, rec));
        s.views.set(view.id, { view, openedVia: 'views.push', userId, closed: false, history: [], depth: rec.depth + 1 });
      }
      return [];
    }
    default:
      return [`unknown response_action ${JSON.stringify(action)}`];
  }
}
