/**
 * Block Kit element / composition-object checks used by block-kit-validator.ts.
 * Every check pushes `message [json-pointer:/path]` strings onto `errs`.
 */

export type Obj = Record<string, unknown>;
export type Errs = string[];

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function err(errs: Errs, path: string, message: string): void {
  errs.push(`${message} [json-pointer:${path}]`);
}

export interface TextRule {
  max: number;
  plainOnly?: boolean;
  required?: boolean;
  what: string;
}

/** Checks a text composition object ({type: plain_text|mrkdwn, text}). */
export function checkText(t: unknown, path: string, rule: TextRule, errs: Errs): void {
  if (t === undefined || t === null) {
    if (rule.required) err(errs, path, `${rule.what} is required`);
    return;
  }
  if (!isObj(t)) return err(errs, path, `${rule.what} must be a text object, got ${typeof t}`);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') {
    return err(errs, `${path}/type`, `${rule.what}: text object type must be plain_text or mrkdwn, got ${JSON.stringify(t.type)}`);
  }
  if (rule.plainOnly && t.type !== 'plain_text') err(errs, `${path}/type`, `${rule.what} must be of type plain_text`);
  if (t.type === 'mrkdwn' && t.emoji !== undefined) err(errs, `${path}/emoji`, `${rule.what}: emoji is only allowed on plain_text`);
  if (typeof t.text !== 'string') return err(errs, `${path}/text`, `${rule.what}: text must be a string`);
  if (t.text.length === 0) err(errs, `${path}/text`, `${rule.what} must be at least 1 character`);
  if (t.text.length > rule.max) {
    err(errs, `${path}/text`, `${rule.what} must be at most ${rule.max} characters (got ${t.text.length})`);
  }
}

export function checkStr(v: unknown, path: string, what: string, max: number, errs: Errs, required = false): void {
  if (v === undefined || v === null) {
    if (required) err(errs, path, `${what} is required`);
    return;
  }
  if (typeof v !== 'string') return err(errs, path, `${what} must be a string`);
  if (v.length > max) err(errs, path, `${what} must be at most ${max} characters (got ${v.length})`);
}

function checkConfirm(c: unknown, path: string, errs: Errs): void {
  if (c === undefined) return;
  if (!isObj(c)) return err(errs, path, 'confirm must be an object');
  checkText(c.title, `${path}/title`, { max: 100, plainOnly: true, required: true, what: 'confirm title' }, errs);
  checkText(c.text, `${path}/text`, { max: 300, required: true, what: 'confirm text' }, errs);
  checkText(c.confirm, `${path}/confirm`, { max: 30, plainOnly: true, required: true, what: 'confirm button' }, errs);
  checkText(c.deny, `${path}/deny`, { max: 30, plainOnly: true, required: true, what: 'deny button' }, errs);
}

interface OptionRule {
  maxOptions: number;
  plainOnly: boolean;
  what: string;
}

function optionKey(o: unknown): string | undefined {
  if (!isObj(o) || typeof o.value !== 'string') return undefined;
  const text = isObj(o.text) ? o.text.text : undefined;
  return `${o.value}\u0000${String(text)}`;
}

function checkOptionList(options: unknown, path: string, rule: OptionRule, errs: Errs, seen: Set<string>): Obj[] {
  if (!Array.isArray(options)) {
    err(errs, path, `${rule.what}: options must be an array`);
    return [];
  }
  if (options.length === 0) err(errs, path, `${rule.what}: must have at least 1 option`);
  if (options.length > rule.maxOptions) {
    err(errs, path, `${rule.what}: no more than ${rule.maxOptions} options allowed (got ${options.length})`);
  }
  const valid: Obj[] = [];
  options.forEach((o, i) => {
    const p = `${path}/${i}`;
    if (!isObj(o)) return err(errs, p, `${rule.what}: option must be an object`);
    checkText(o.text, `${p}/text`, { max: 75, plainOnly: rule.plainOnly, required: true, what: 'option text' }, errs);
    checkText(o.description, `${p}/description`, { max: 75, plainOnly: rule.plainOnly, what: 'option description' }, errs);
    checkStr(o.value, `${p}/value`, 'option value', 150, errs, true);
    checkStr(o.url, `${p}/url`, 'option url', 3000, errs);
    if (typeof o.value === 'string') {
      if (seen.has(o.value)) err(errs, `${p}/value`, `${rule.what}: duplicate option value ${JSON.stringify(o.value)}`);
      seen.add(o.value);
    }
    valid.push(o);
  });
  return valid;
}

/** Validates options/option_groups plus initial_option(s) of a choice element. */
function checkChoices(el: Obj, path: string, rule: OptionRule, errs: Errs): void {
  const seen = new Set<string>();
  let all: Obj[] = [];
  if (el.option_groups !== undefined) {
    if (el.options !== undefined) err(errs, path, `${rule.what}: provide options or option_groups, not both`);
    if (!Array.isArray(el.option_groups) || el.option_groups.length === 0) {
      err(errs, `${path}/option_groups`, `${rule.what}: option_groups must be a non-empty array`);
    } else {
      if (el.option_groups.length > 100) err(errs, `${path}/option_groups`, `${rule.what}: no more than 100 option_groups allowed`);
      el.option_groups.forEach((g: unknown, i: number) => {
        const gp = `${path}/option_groups/${i}`;
        if (!isObj(g)) return err(errs, gp, 'option group must be an object');
        checkText(g.label, `${gp}/label`, { max: 75, plainOnly: true, required: true, what: 'option group label' }, errs);
        all = all.concat(checkOptionList(g.options, `${gp}/options`, rule, errs, seen));
      });
    }
  } else if (el.options !== undefined || !String(el.type).includes('select')) {
    all = checkOptionList(el.options, `${path}/options`, rule, errs, seen);
  } else {
    err(errs, `${path}/options`, `${rule.what}: options or option_groups is required`);
  }
  const keys = new Set(all.map(optionKey));
  const initial: Array<[unknown, string]> = [];
  if (el.initial_option !== undefined) initial.push([el.initial_option, `${path}/initial_option`]);
  if (el.initial_options !== undefined) {
    if (!Array.isArray(el.initial_options)) err(errs, `${path}/initial_options`, 'initial_options must be an array');
    else el.initial_options.forEach((o: unknown, i: number) => initial.push([o, `${path}/initial_options/${i}`]));
  }
  for (const [o, p] of initial) {
    if (!keys.has(optionKey(o))) {
      err(
        errs,
        p,
        `${rule.what}: ${p.includes('initial_options') ? 'initial_options' : 'initial_option'} must exactly match one of the options (value and text)`,
      );
    }
  }
}

const SELECTS = ['users_select', 'conversations_select', 'channels_select', 'external_select', 'static_select'];
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
const COMMON = ['button', 'checkboxes', 'datepicker', 'overflow', 'radio_buttons', 'timepicker', 'workflow_button'];

export const ALLOWED_ELEMENTS: Record<'section' | 'actions' | 'input', Set<string>> = {
  section: new Set([...COMMON, ...SELECTS, ...MULTI_SELECTS, 'image']),
  actions: new Set([...COMMON, ...SELECTS, ...MULTI_SELECTS, 'datetimepicker', 'plain_text_input', 'rich_text_input']),
  input: new Set([
    ...SELECTS,
    ...MULTI_SELECTS,
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'datetimepicker',
    'plain_text_input',
    'email_text_input',
    'url_text_input',
    'number_input',
    'rich_text_input',
    'file_input',
  ]),
};

export function checkImage(el: Obj, path: string, errs: Errs): void {
  if (el.image_url === undefined && el.slack_file === undefined) err(errs, path, 'image requires image_url or slack_file');
  checkStr(el.image_url, `${path}/image_url`, 'image_url', 3000, errs);
  checkStr(el.alt_text, `${path}/alt_text`, 'image alt_text', 2000, errs, true);
}

function checkLengths(el: Obj, path: string, errs: Errs): void {
  const { min_length: min, max_length: max, initial_value: initial } = el;
  if (min !== undefined && (typeof min !== 'number' || !Number.isInteger(min) || min < 0 || min > 3000)) {
    err(errs, `${path}/min_length`, 'plain_text_input min_length must be an integer between 0 and 3000');
  }
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 3000)) {
    err(errs, `${path}/max_length`, `plain_text_input max_length must be an integer between 1 and 3000 (got ${String(max)})`);
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    err(errs, path, 'plain_text_input min_length must not exceed max_length');
  }
  checkStr(initial, `${path}/initial_value`, 'plain_text_input initial_value', 3000, errs);
  if (typeof initial === 'string' && typeof max === 'number' && initial.length > max) {
    err(errs, `${path}/initial_value`, `plain_text_input initial_value is longer than max_length ${max} (got ${initial.length})`);
  }
}

/** Validates one interactive element placed in a section accessory, actions or input block. */
export function checkElement(el: unknown, path: string, where: 'section' | 'actions' | 'input', errs: Errs): void {
  if (!isObj(el)) return err(errs, path, 'element must be an object');
  const type = el.type;
  if (typeof type !== 'string') return err(errs, `${path}/type`, 'element type is required');
  if (!ALLOWED_ELEMENTS[where].has(type)) return err(errs, `${path}/type`, `element type ${JSON.stringify(type)} is not allowed in a ${where} block`);
  checkStr(el.action_id, `${path}/action_id`, 'action_id', 255, errs);
  checkConfirm(el.confirm, `${path}/confirm`, errs);
  checkText(el.placeholder, `${path}/placeholder`, { max: 150, plainOnly: true, what: `${type} placeholder` }, errs);
  if (type.startsWith('multi_') && el.max_selected_items !== undefined) {
    const m = el.max_selected_items;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) {
      err(errs, `${path}/max_selected_items`, `${type} max_selected_items must be an integer >= 1 (got ${String(m)})`);
    }
  }
  switch (type) {
    case 'button':
      checkText(el.text, `${path}/text`, { max: 75, plainOnly: true, required: true, what: 'button text' }, errs);
      checkStr(el.value, `${path}/value`, 'button value', 2000, errs);
      checkStr(el.url, `${path}/url`, 'button url', 3000, errs);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        err(errs, `${path}/style`, 'button style must be primary or danger');
      }
      break;
    case 'plain_text_input':
      checkLengths(el, path, errs);
      break;
    case 'static_select':
    case 'multi_static_select':
      checkChoices(el, path, { maxOptions: 100, plainOnly: true, what: type }, errs);
      break;
    case 'radio_buttons':
    case 'checkboxes':
      checkChoices(el, path, { maxOptions: 10, plainOnly: false, what: type }, errs);
      break;
    case 'overflow':
      checkChoices(el, path, { maxOptions: 5, plainOnly: true, what: type }, errs);
      break;
    case 'datepicker':
      if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
        err(errs, `${path}/initial_date`, 'datepicker initial_date must be YYYY-MM-DD');
      }
      break;
    case 'timepicker':
      if (el.initial_time !== undefined && !/^\d{2}:\d{2}$/.test(String(el.initial_time))) {
        err(errs, `${path}/initial_time`, 'timepicker initial_time must be HH:mm');
      }
      break;
    case 'number_input':
      if (typeof el.is_decimal_allowed !== 'boolean') err(errs, `${path}/is_decimal_allowed`, 'number_input is_decimal_allowed is required');
      break;
    case 'image':
      checkImage(el, path, errs);
      break;
    default:
      break;
  }
}
