/**
 * A pure Block Kit validator mirroring the limits Slack enforces server-side
 * (https://docs.slack.dev/reference/block-kit). Each returned string names the
 * problem and ends with `[json-pointer:/path]` like Slack's own messages.
 */
import { type Errs, type Obj, checkElement, checkImage, checkStr, checkText, err, isObj } from './fake-slack/block-kit-elements.js';

export type Surface = 'message' | 'modal' | 'home';

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
export const MAX_MESSAGE_TEXT = 40000;

const KNOWN_BLOCKS = new Set([
  'section',
  'divider',
  'image',
  'actions',
  'context',
  'input',
  'header',
  'file',
  'rich_text',
  'video',
  'markdown',
  'table',
  'call',
  'context_actions',
]);

function checkSection(b: Obj, p: string, errs: Errs): void {
  if (b.text === undefined && b.fields === undefined) err(errs, p, 'section requires text or fields');
  checkText(b.text, `${p}/text`, { max: 3000, what: 'section text' }, errs);
  if (b.fields !== undefined) {
    if (!Array.isArray(b.fields)) return err(errs, `${p}/fields`, 'section fields must be an array');
    if (b.fields.length > 10) err(errs, `${p}/fields`, `section: no more than 10 fields allowed (got ${b.fields.length})`);
    b.fields.forEach((f: unknown, i: number) => checkText(f, `${p}/fields/${i}`, { max: 2000, required: true, what: 'section field' }, errs));
  }
  if (b.accessory !== undefined) checkElement(b.accessory, `${p}/accessory`, 'section', errs);
}

function checkActions(b: Obj, p: string, errs: Errs): void {
  if (!Array.isArray(b.elements) || b.elements.length === 0) return err(errs, `${p}/elements`, 'actions block requires at least 1 element');
  if (b.elements.length > 25) err(errs, `${p}/elements`, `actions block: no more than 25 elements allowed (got ${b.elements.length})`);
  const actionIds = new Set<string>();
  b.elements.forEach((el: unknown, i: number) => {
    const ep = `${p}/elements/${i}`;
    checkElement(el, ep, 'actions', errs);
    if (isObj(el) && typeof el.action_id === 'string') {
      if (actionIds.has(el.action_id)) err(errs, `${ep}/action_id`, `duplicate action_id ${JSON.stringify(el.action_id)} in block`);
      actionIds.add(el.action_id);
    }
  });
}

function checkContext(b: Obj, p: string, errs: Errs): void {
  if (!Array.isArray(b.elements) || b.elements.length === 0) return err(errs, `${p}/elements`, 'context block requires at least 1 element');
  if (b.elements.length > 10) err(errs, `${p}/elements`, `context block: no more than 10 elements allowed (got ${b.elements.length})`);
  b.elements.forEach((el: unknown, i: number) => {
    const ep = `${p}/elements/${i}`;
    if (isObj(el) && el.type === 'image') checkImage(el, ep, errs);
    else checkText(el, ep, { max: 3000, required: true, what: 'context element' }, errs);
  });
}

function checkInput(b: Obj, p: string, errs: Errs): void {
  checkText(b.label, `${p}/label`, { max: 2000, plainOnly: true, required: true, what: 'input label' }, errs);
  checkText(b.hint, `${p}/hint`, { max: 2000, plainOnly: true, what: 'input hint' }, errs);
  if (b.element === undefined) err(errs, `${p}/element`, 'input block requires an element');
  else checkElement(b.element, `${p}/element`, 'input', errs);
  if (b.optional !== undefined && typeof b.optional !== 'boolean') err(errs, `${p}/optional`, 'input optional must be a boolean');
}

function checkBlock(b: unknown, p: string, blockIds: Set<string>, errs: Errs): void {
  if (!isObj(b)) return err(errs, p, 'block must be an object');
  if (typeof b.type !== 'string' || !KNOWN_BLOCKS.has(b.type)) {
    return err(errs, `${p}/type`, `unsupported block type ${JSON.stringify(b.type)}`);
  }
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== 'string' || b.block_id.length === 0 || b.block_id.length > 255) {
      err(errs, `${p}/block_id`, 'block_id must be a string of 1 to 255 characters');
    } else if (blockIds.has(b.block_id)) {
      err(errs, `${p}/block_id`, `duplicate block_id ${JSON.stringify(b.block_id)}`);
    } else {
      blockIds.add(b.block_id);
    }
  }
  switch (b.type) {
    case 'section':
      return checkSection(b, p, errs);
    case 'header':
      return checkText(b.text, `${p}/text`, { max: 150, plainOnly: true, required: true, what: 'header text' }, errs);
    case 'actions':
      return checkActions(b, p, errs);
    case 'context':
      return checkContext(b, p, errs);
    case 'input':
      return checkInput(b, p, errs);
    case 'image':
      checkImage(b, p, errs);
      return checkText(b.title, `${p}/title`, { max: 2000, plainOnly: true, what: 'image title' }, errs);
    case 'markdown':
      return checkStr(b.text, `${p}/text`, 'markdown text', 12000, errs, true);
    case 'rich_text':
      if (!Array.isArray(b.elements)) err(errs, `${p}/elements`, 'rich_text block requires elements');
      return;
    default:
      return;
  }
}

/** Validates a `blocks` array for the given surface. */
export function validateBlocks(blocks: unknown, surface: Surface, base = '/blocks'): string[] {
  const errs: Errs = [];
  if (!Array.isArray(blocks)) {
    err(errs, base, 'blocks must be an array');
    return errs;
  }
  const max = MAX_BLOCKS[surface];
  if (blocks.length > max) err(errs, base, `no more than ${max} blocks allowed in a ${surface} (got ${blocks.length})`);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => checkBlock(b, `${base}/${i}`, blockIds, errs));
  return errs;
}

export function hasInputBlocks(blocks: unknown): boolean {
  return Array.isArray(blocks) && blocks.some((b) => isObj(b) && b.type === 'input');
}

/** Validates a modal or home-tab view object (as passed to views.open/push/update/publish). */
export function validateView(view: unknown, expected?: 'modal' | 'home'): string[] {
  const errs: Errs = [];
  if (!isObj(view)) {
    err(errs, '/view', 'view must be an object');
    return errs;
  }
  const type = view.type;
  if (type !== 'modal' && type !== 'home') {
    err(errs, '/view/type', `view type must be modal or home, got ${JSON.stringify(type)}`);
    return errs;
  }
  if (expected !== undefined && type !== expected) err(errs, '/view/type', `view type must be ${expected} for this method`);
  if (type === 'modal') {
    checkText(view.title, '/view/title', { max: 24, plainOnly: true, required: true, what: 'modal title' }, errs);
    checkText(view.submit, '/view/submit', { max: 24, plainOnly: true, what: 'modal submit' }, errs);
    checkText(view.close, '/view/close', { max: 24, plainOnly: true, what: 'modal close' }, errs);
    if (view.submit === undefined && hasInputBlocks(view.blocks)) {
      err(errs, '/view/submit', 'a modal containing input blocks must have a submit button');
    }
  }
  checkStr(view.callback_id, '/view/callback_id', 'callback_id', 255, errs);
  checkStr(view.private_metadata, '/view/private_metadata', 'private_metadata', 3000, errs);
  checkStr(view.external_id, '/view/external_id', 'external_id', 255, errs);
  if (view.blocks === undefined) err(errs, '/view/blocks', 'view blocks are required');
  else errs.push(...validateBlocks(view.blocks, type, '/view/blocks'));
  return errs;
}

/** Validates message text/blocks; text length is reported separately by the fake (msg_too_long). */
export function validateMessageBlocks(blocks: unknown): string[] {
  return blocks === undefined ? [] : validateBlocks(blocks, 'message');
}
