import { z } from 'zod';
import { ACTION } from '../views/ids.js';

/**
 * The shapes of every payload Roster reads, reduced to the fields it reads (others pass through).
 * Checked at the edge (guard-receiver.ts) before Bolt or a listener touches the body, so listeners
 * can rely on them; anything else is acked, ignored and logged once.
 */
const id = z.string().min(1);
const user = z.looseObject({ id });
const team = z.looseObject({ id: z.string() }).nullish();
const option = z.looseObject({ value: z.string() });
const file = z.looseObject({ id: z.string(), name: z.string().nullish(), filetype: z.string().nullish() });

/** `view.state.values[block_id][action_id]`, as Roster's ViewState reads it. */
const stateValue = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).optional(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).optional(),
  files: z.array(file).optional(),
});
const state = z.looseObject({ values: z.record(z.string(), z.record(z.string(), stateValue)) });
const view = z.looseObject({
  id,
  hash: z.string().optional(),
  callback_id: z.string().optional(),
  private_metadata: z.string().optional(),
  state: state.optional(),
});

/** Buttons whose value is an import job id: without one the button means nothing. */
const BUTTONS_WITH_JOB: readonly string[] = [ACTION.importChooseSettings, ACTION.importCancel, ACTION.importResume];
/** Buttons whose value is a user id. */
const BUTTONS_WITH_USER: readonly string[] = [ACTION.editUser];
const action = z
  .looseObject({
    type: z.string(),
    action_id: z.string(),
    block_id: z.string(),
    value: z.string().optional(),
    selected_option: option.nullish(),
    selected_options: z.array(option).optional(),
  })
  .refine((a) => !BUTTONS_WITH_JOB.includes(a.action_id) || (a.value ?? '') !== '', {
    message: 'this button needs a value (the import job id)',
    path: ['value'],
  })
  .refine((a) => !BUTTONS_WITH_USER.includes(a.action_id) || (a.value ?? '') !== '', { message: 'this button needs a value (the user id)', path: ['value'] });

const interactions = {
  view_submission: z.looseObject({ user, team, view: view.extend({ callback_id: z.string(), state }) }),
  block_actions: z.looseObject({
    user,
    team,
    trigger_id: id,
    actions: z.array(action).min(1),
    view: view.optional(),
    channel: z.looseObject({ id }).optional(),
    message: z.looseObject({ ts: z.string() }).optional(),
    /** A message's inputs (the list's row checkboxes) as `values[block_id][action_id]`. */
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({ selected_options: z.array(option).optional() }))) }).optional(),
    container: z.looseObject({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  }),
  block_suggestion: z.looseObject({ user, team, action_id: z.string(), block_id: z.string(), value: z.string() }),
  shortcut: z.looseObject({ user, team, callback_id: z.string(), trigger_id: id }),
  message_action: z.looseObject({
    user,
    team,
    callback_id: z.string(),
    trigger_id: id,
    channel: z.looseObject({ id }),
    message_ts: z.string(),
    message: z.looseObject({ thread_ts: z.string().optional(), files: z.array(file).optional() }),
  }),
} as const;

const command = z.looseObject({
  command: z.string().startsWith('/'),
  text: z.string(),
  user_id: id,
  team_id: id,
  channel_id: id,
  trigger_id: id,
  team_domain: z.string().optional(),
});

const events: Record<string, z.ZodType> = {
  app_home_opened: z.looseObject({ user: id, tab: z.string() }),
  file_shared: z.looseObject({ file_id: id, user_id: id, channel_id: id }),
  message: z.looseObject({ channel: z.string(), ts: z.string(), subtype: z.string().optional(), user: z.string().optional(), files: z.array(file).optional() }),
  /** Which tokens were revoked: the bot's (Roster loses the workspace) and members' (Roster holds none). */
  tokens_revoked: z.looseObject({ tokens: z.looseObject({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }) }),
};
const eventCallback = z.looseObject({ team_id: z.string().optional(), event: z.looseObject({ type: z.string() }) });

export type PayloadCheck = { ok: true } | { ok: false; kind: string; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where and what, never the value: a payload may hold a password typed into a form. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`.slice(0, 200);
}

function check(kind: string, schema: z.ZodType, body: unknown): PayloadCheck {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true } : { ok: false, kind, problem: describe(parsed.error) };
}

/** Whether a request body from Slack (command, interaction or event) has the shape Roster reads. */
export function checkSlackPayload(body: unknown): PayloadCheck {
  if (!isObject(body)) return { ok: false, kind: 'unknown', problem: 'the body is not an object' };
  if ('command' in body) return check('command', command, body);
  const type = typeof body.type === 'string' ? body.type : '';
  if (type === 'event_callback') {
    const envelope = check('event', eventCallback, body);
    if (!envelope.ok) return envelope;
    const event = body.event as { type: string };
    const schema = events[event.type];
    // Events Roster does not listen to are Bolt's to ack; the ones it reads must fit.
    return schema ? check(`${event.type} event`, schema, event) : { ok: true };
  }
  const schema = interactions[type as keyof typeof interactions];
  if (!schema) return { ok: false, kind: type || 'unknown', problem: 'a payload type Roster does not handle' };
  return check(type, schema, body);
}
