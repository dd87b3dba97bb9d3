/**
 * `view.state.values` builders and the checks Slack's client makes before it sends a view_submission
 * or block_actions payload (required inputs filled, selected options exist, lengths respected).
 */

export interface OptionObject {
  text: { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };
  value: string;
  description?: unknown;
}

export type StateValue = { type: string; [key: string]: unknown };
export type StateValues = Record<string, Record<string, StateValue>>;

const option = (value: string): OptionObject => ({ text: { type: 'plain_text', text: value }, value });

// ---- values builders (shapes Slack puts in view.state.values[block_id][action_id]) ----
export const plainText = (value: string | null): StateValue => ({ type: 'plain_text_input', value });
export const staticSelect = (value: string | null): StateValue => ({ type: 'static_select', selected_option: value === null ? null : option(value) });
export const externalSelect = (value: string | null): StateValue => ({ type: 'external_select', selected_option: value === null ? null : option(value) });
export const multiStaticSelect = (values: string[]): StateValue => ({ type: 'multi_static_select', selected_options: values.map(option) });
export const userSelect = (id: string | null): StateValue => ({ type: 'users_select', selected_user: id });
export const usersSelect = (ids: string[]): StateValue => ({ type: 'multi_users_select', selected_users: ids });
export const conversationSelect = (id: string | null): StateValue => ({ type: 'conversations_select', selected_conversation: id });
export const radio = (value: string | null): StateValue => ({ type: 'radio_buttons', selected_option: value === null ? null : option(value) });
export const checkboxes = (values: string[]): StateValue => ({ type: 'checkboxes', selected_options: values.map(option) });
export const datePicker = (date: string | null): StateValue => ({ type: 'datepicker', selected_date: date });
export const emailInput = (value: string | null): StateValue => ({ type: 'email_text_input', value });
export const numberInput = (value: string | null): StateValue => ({ type: 'number_input', value });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface LocatedElement {
  blockId: string;
  blockType: string;
  element: Obj;
  block: Obj;
}

/** Every interactive element in a blocks array, with the block_id it lives in. */
export function interactiveElements(blocks: unknown): LocatedElement[] {
  if (!Array.isArray(blocks)) return [];
  const out: LocatedElement[] = [];
  for (const block of blocks) {
    if (!isObj(block) || typeof block.block_id !== 'string') continue;
    const push = (el: unknown) => {
      if (isObj(el) && typeof el.action_id === 'string') {
        out.push({ blockId: block.block_id as string, blockType: String(block.type), element: el, block });
      }
    };
    if (block.type === 'input') push(block.element);
    if (block.type === 'section') push(block.accessory);
    if (block.type === 'actions' && Array.isArray(block.elements)) block.elements.forEach(push);
  }
  return out;
}

function allOptions(el: Obj): OptionObject[] {
  const direct = Array.isArray(el.options) ? el.options : [];
  const grouped = Array.isArray(el.option_groups) ? el.option_groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? g.options : [])) : [];
  return [...direct, ...grouped].filter(isObj) as unknown as OptionObject[];
}

/** The option object of an element by value, exactly as the app defined it (what Slack sends back). */
export function resolveOption(el: Obj, value: string, where: string): OptionObject {
  const opts = allOptions(el);
  if (opts.length === 0 && String(el.type).includes('external')) return option(value);
  const found = opts.find((o) => o.value === value);
  if (!found) {
    throw new Error(`${where}: ${String(el.type)} has no option with value ${JSON.stringify(value)} (options: ${opts.map((o) => o.value).join(', ')})`);
  }
  return found;
}

/** The value Slack submits for an element the user did not touch (its initial_* or empty). */
function untouchedValue(el: Obj): StateValue {
  const type = String(el.type);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: typeof el.initial_value === 'string' ? el.initial_value : null };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: el.initial_option ?? null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: el.initial_options ?? [] };
    case 'users_select':
      return { type, selected_user: el.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: el.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: el.initial_conversation ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: el.initial_conversations ?? [] };
    case 'channels_select':
      return { type, selected_channel: el.initial_channel ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: el.initial_channels ?? [] };
    case 'datepicker':
      return { type, selected_date: el.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: el.initial_time ?? null };
    default:
      return { type };
  }
}

function isEmpty(v: StateValue): boolean {
  return Object.entries(v).every(([k, x]) => k === 'type' || x === null || x === undefined || x === '' || (Array.isArray(x) && x.length === 0));
}

/** Replaces builder options with the app's own option objects and checks what Slack's client checks. */
function normalize(given: StateValue, el: Obj, where: string): StateValue {
  if (given.type !== el.type) throw new Error(`${where}: element is a ${String(el.type)} but the test gave a ${given.type} value`);
  const out: StateValue = { ...given };
  if (isObj(given.selected_option)) out.selected_option = resolveOption(el, String(given.selected_option.value), where);
  if (Array.isArray(given.selected_options)) {
    out.selected_options = given.selected_options.map((o) => resolveOption(el, String(isObj(o) ? o.value : o), where));
  }
  const max = el.max_selected_items;
  for (const key of ['selected_options', 'selected_users', 'selected_conversations', 'selected_channels']) {
    const list = out[key];
    if (Array.isArray(list) && typeof max === 'number' && list.length > max) {
      throw new Error(`${where}: ${list.length} items selected but max_selected_items is ${max}; Slack would not allow it`);
    }
  }
  if (typeof given.value === 'string') {
    const v = given.value;
    if (typeof el.max_length === 'number' && v.length > el.max_length) {
      throw new Error(`${where}: value is ${v.length} characters but max_length is ${el.max_length}; Slack would not submit it`);
    }
    if (typeof el.min_length === 'number' && v.length < el.min_length) {
      throw new Error(`${where}: value is ${v.length} characters but min_length is ${el.min_length}; Slack would not submit it`);
    }
    if (el.type === 'email_text_input' && !/^[^@\s]+@[^@\s]+$/.test(v)) throw new Error(`${where}: not an email address; Slack would not submit it`);
  }
  return out;
}

/**
 * Builds `view.state.values` for a view_submission the way Slack does: every input block appears
 * (untouched ones with their initial value / null), test-provided values are checked against the
 * view's elements, and a required input left empty throws (Slack's client would refuse to submit).
 */
export function buildViewState(blocks: unknown, values: StateValues, opts: { requireInputs: boolean }): StateValues {
  const elements = interactiveElements(blocks);
  const state: StateValues = {};
  for (const [blockId, actions] of Object.entries(values)) {
    for (const [actionId, given] of Object.entries(actions)) {
      const where = `state.values.${blockId}.${actionId}`;
      const loc = elements.find((e) => e.blockId === blockId && e.element.action_id === actionId);
      if (!loc) {
        const known = elements.map((e) => `${e.blockId}.${String(e.element.action_id)}`).join(', ') || 'none';
        throw new Error(`${where}: the view has no such element (block_id.action_id present: ${known})`);
      }
      (state[blockId] ??= {})[actionId] = normalize(given, loc.element, where);
    }
  }
  for (const loc of elements) {
    if (loc.blockType !== 'input') continue;
    const actionId = String(loc.element.action_id);
    const current = state[loc.blockId]?.[actionId] ?? untouchedValue(loc.element);
    if (opts.requireInputs && loc.block.optional !== true && isEmpty(current)) {
      throw new Error(`required input ${loc.blockId}.${actionId} is empty; Slack would not submit the view (mark it optional or give a value)`);
    }
    (state[loc.blockId] ??= {})[actionId] = current;
  }
  return state;
}

export interface ActionSelection {
  value?: string;
  selectedOption?: string;
  selectedOptions?: string[];
  selectedUser?: string;
  selectedUsers?: string[];
  selectedConversation?: string;
  selectedDate?: string;
}

/**
 * The `actions[0]` object Slack sends when a user uses `loc.element`, plus the state value it leaves
 * behind (undefined for buttons/overflow). Throws when the selection is impossible in Slack.
 */
export function buildAction(loc: LocatedElement, sel: ActionSelection, ts: string): { action: Obj; state?: StateValue } {
  const el = loc.element;
  const type = String(el.type);
  const where = `action ${loc.blockId}.${String(el.action_id)}`;
  const action: Obj = { type, action_id: el.action_id, block_id: loc.blockId, action_ts: ts };
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${where}: a ${type} action needs ${what}`);
    return v;
  };
  switch (type) {
    case 'button':
      if (sel.value !== undefined && el.value !== undefined && sel.value !== el.value) {
        throw new Error(`${where}: the button's value is ${JSON.stringify(el.value)}, not ${JSON.stringify(sel.value)}`);
      }
      Object.assign(action, { text: el.text, value: el.value ?? sel.value, ...(el.style ? { style: el.style } : {}) });
      return { action };
    case 'overflow':
      action.selected_option = resolveOption(el, need(sel.selectedOption, 'selectedOption'), where);
      return { action };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      action.selected_option = resolveOption(el, need(sel.selectedOption, 'selectedOption'), where);
      break;
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      action.selected_options = need(sel.selectedOptions, 'selectedOptions').map((v) => resolveOption(el, v, where));
      break;
    case 'users_select':
      action.selected_user = need(sel.selectedUser, 'selectedUser');
      break;
    case 'multi_users_select':
      action.selected_users = need(sel.selectedUsers, 'selectedUsers');
      break;
    case 'conversations_select':
      action.selected_conversation = need(sel.selectedConversation, 'selectedConversation');
      break;
    case 'datepicker':
      action.selected_date = need(sel.selectedDate, 'selectedDate');
      break;
    case 'plain_text_input':
      action.value = need(sel.value, 'value');
      break;
    default:
      if (sel.value !== undefined) action.value = sel.value;
  }
  const { action_id: _a, block_id: _b, action_ts: _t, ...state } = action;
  return { action, state: state as StateValue };
}
