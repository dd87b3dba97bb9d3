import type { KnownBlock, PlainTextOption, PlainTextElement, MrkdwnElement } from '@slack/types';
import { VALUE } from './ids.js';

/** Small pure helpers over Block Kit that keep Slack's length limits in one place. */
export const plain = (text: string, max = 3000): PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });
export const mrkdwn = (text: string, max = 3000): MrkdwnElement => ({ type: 'mrkdwn', text: clip(text, max) });

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Escapes `&`, `<` and `>` (Slack's rule for mrkdwn and plain text in messages), so user data — a
 * file name, a display name, a password, a cell quoted in a problem — shows exactly as typed and
 * can never become a mention (`<!channel>`) or a link. Every builder passes user data through it.
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A message that is one sentence of plain text (a core error, a notice), escaped as a whole. */
export const textMessage = (text: string): { text: string } => ({ text: esc(text) });

export const header = (text: string): KnownBlock => ({ type: 'header', text: plain(text, 150) });
export const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });
export const divider = (): KnownBlock => ({ type: 'divider' });

/** A title and its lines, as few sections as fit Slack's 3,000 characters each (a line is never split). */
export function linesInSections(title: string, lines: readonly string[]): KnownBlock[] {
  const texts = [title];
  for (const line of lines) {
    const last = texts.length - 1;
    if (texts[last]!.length + line.length + 1 <= 2900) texts[last] = `${texts[last]}\n${line}`;
    else texts.push(line);
  }
  return texts.map(section);
}
export const context = (...texts: string[]): KnownBlock => ({ type: 'context', elements: texts.slice(0, 10).map((t) => mrkdwn(t, 2000)) });

export function fields(pairs: [string, string][]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < pairs.length; i += 10) {
    blocks.push({ type: 'section', fields: pairs.slice(i, i + 10).map(([label, value]) => mrkdwn(`*${label}*\n${value}`, 2000)) });
  }
  return blocks;
}

// Options carry no `emoji` flag: the Add user form has ~250 of them, and Slack sends the view back with every submission.
export const option = (text: string, value: string): PlainTextOption => ({ text: { type: 'plain_text', text: clip(text, 75) }, value: value.slice(0, 150) });

export interface TextInputOptions {
  optional?: boolean;
  initial?: string;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
  multiline?: boolean;
}

/** An input block whose block id is the field name, so core field errors map straight onto it. */
export function textInput(field: string, label: string, options: TextInputOptions = {}): KnownBlock {
  return {
    type: 'input',
    block_id: field,
    optional: options.optional ?? true,
    label: plain(label, 2000),
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: VALUE,
      ...(options.multiline ? { multiline: true } : {}),
      ...(options.maxLength ? { max_length: Math.min(options.maxLength, 3000) } : {}),
      ...(options.initial ? { initial_value: options.maxLength ? options.initial.slice(0, options.maxLength) : options.initial } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
    },
  };
}

export function button(text: string, actionId: string, style?: 'primary' | 'danger', value?: string) {
  return { type: 'button' as const, text: plain(text, 75), action_id: actionId, ...(style ? { style } : {}), ...(value ? { value } : {}) };
}

/** What Slack asks before a destructive button acts (its confirmation dialog). */
export interface Confirmation {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
}

/** A red button that acts only once its confirmation dialog is confirmed. */
export function destructiveButton(text: string, actionId: string, value: string, ask: Confirmation) {
  return {
    ...button(text, actionId, 'danger', value),
    confirm: {
      title: plain(ask.title, 100),
      text: plain(ask.text, 300),
      confirm: plain(ask.confirm, 30),
      deny: plain(ask.deny ?? 'Keep', 30),
      style: 'danger' as const,
    },
  };
}
