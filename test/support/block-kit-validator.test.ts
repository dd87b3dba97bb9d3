import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from './block-kit-validator.js';

const pt = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const opt = (value: string, text = value) => ({ text: pt(text), value });
const opts = (n: number) => Array.from({ length: n }, (_, i) => opt(`v${i}`));
const input = (element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'in',
  label: pt('Label'),
  element: { action_id: 'a', ...element },
  ...extra,
});
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: pt('Title'),
  submit: pt('Save'),
  blocks,
  ...extra,
});
const msgErrors = (blocks: unknown[]) => validateBlocks(blocks, 'message').join('\n');
const viewErrors = (view: unknown) => validateView(view).join('\n');

describe('validateBlocks / validateView', () => {
  it('accepts a realistic modal and message', () => {
    const view = modal([
      { type: 'header', text: pt('New user') },
      { type: 'section', text: md('*Pick*'), fields: [md('a'), md('b')], accessory: { type: 'button', action_id: 'b', text: pt('Go'), value: '1' } },
      input({ type: 'plain_text_input', max_length: 100, initial_value: 'x' }),
      input({ type: 'static_select', options: [opt('a'), opt('b')], initial_option: opt('b') }, { block_id: 'sel' }),
      input({ type: 'multi_users_select', max_selected_items: 3 }, { block_id: 'users', optional: true }),
      input({ type: 'checkboxes', options: [{ text: md('*x*'), value: 'x' }], initial_options: [{ text: md('*x*'), value: 'x' }] }, { block_id: 'cb' }),
      { type: 'context', elements: [md('note'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' }] },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'one', text: pt('1') },
          { type: 'button', action_id: 'two', text: pt('2'), style: 'danger' },
        ],
      },
    ]);
    expect(validateView(view)).toEqual([]);
    expect(validateBlocks([{ type: 'section', text: md('hi') }], 'message')).toEqual([]);
  });

  it.each([
    ['more than 50 blocks in a message', () => msgErrors(Array.from({ length: 51 }, () => ({ type: 'divider' }))), /no more than 50 blocks/],
    ['more than 100 blocks in a view', () => viewErrors(modal(Array.from({ length: 101 }, () => ({ type: 'divider' })))), /no more than 100 blocks/],
    [
      'a repeated block_id',
      () =>
        msgErrors([
          { type: 'divider', block_id: 'x' },
          { type: 'divider', block_id: 'x' },
        ]),
      /duplicate block_id "x".*\/blocks\/1\/block_id/,
    ],
    ['section text over 3000', () => msgErrors([{ type: 'section', text: md('a'.repeat(3001)) }]), /section text must be at most 3000/],
    ['more than 10 section fields', () => msgErrors([{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }]), /no more than 10 fields/],
    ['a section field over 2000', () => msgErrors([{ type: 'section', fields: [md('a'.repeat(2001))] }]), /section field must be at most 2000/],
    ['header over 150', () => msgErrors([{ type: 'header', text: pt('h'.repeat(151)) }]), /header text must be at most 150/],
    ['mrkdwn header', () => msgErrors([{ type: 'header', text: md('h') }]), /header text must be of type plain_text/],
    ['modal title over 24', () => viewErrors(modal([], { title: pt('t'.repeat(25)) })), /modal title must be at most 24/],
    ['submit over 24', () => viewErrors(modal([], { submit: pt('s'.repeat(25)) })), /modal submit must be at most 24/],
    ['close over 24', () => viewErrors(modal([], { close: pt('c'.repeat(25)) })), /modal close must be at most 24/],
    ['callback_id over 255', () => viewErrors(modal([], { callback_id: 'c'.repeat(256) })), /callback_id must be at most 255/],
    ['private_metadata over 3000', () => viewErrors(modal([], { private_metadata: 'p'.repeat(3001) })), /private_metadata must be at most 3000/],
    ['input without label', () => viewErrors(modal([{ type: 'input', element: { type: 'plain_text_input' } }])), /input label is required/],
    ['input without element', () => viewErrors(modal([{ type: 'input', label: pt('L') }])), /input block requires an element/],
    [
      'input label over 2000',
      () => viewErrors(modal([input({ type: 'plain_text_input' }, { label: pt('l'.repeat(2001)) })])),
      /input label must be at most 2000/,
    ],
    [
      'max_length over 3000',
      () => viewErrors(modal([input({ type: 'plain_text_input', max_length: 3001 })])),
      /max_length must be an integer between 1 and 3000/,
    ],
    [
      'initial_value longer than max_length',
      () => viewErrors(modal([input({ type: 'plain_text_input', max_length: 3, initial_value: 'abcd' })])),
      /initial_value is longer than max_length 3/,
    ],
    ['a select without options', () => viewErrors(modal([input({ type: 'static_select', options: [] })])), /at least 1 option/],
    ['a select with 101 options', () => viewErrors(modal([input({ type: 'static_select', options: opts(101) })])), /no more than 100 options/],
    ['radio buttons with 11 options', () => viewErrors(modal([input({ type: 'radio_buttons', options: opts(11) })])), /no more than 10 options/],
    ['checkboxes with 11 options', () => viewErrors(modal([input({ type: 'checkboxes', options: opts(11) })])), /no more than 10 options/],
    ['option text over 75', () => viewErrors(modal([input({ type: 'static_select', options: [opt('v', 'x'.repeat(76))] })])), /option text must be at most 75/],
    ['option value over 150', () => viewErrors(modal([input({ type: 'static_select', options: [opt('v'.repeat(151))] })])), /option value must be at most 150/],
    [
      'duplicate option values',
      () => viewErrors(modal([input({ type: 'multi_static_select', options: [opt('a'), opt('a', 'A')] })])),
      /duplicate option value "a"/,
    ],
    [
      'initial_option not among options',
      () => viewErrors(modal([input({ type: 'static_select', options: [opt('a')], initial_option: opt('b') })])),
      /initial_option must exactly match/,
    ],
    [
      'initial_options not among options',
      () => viewErrors(modal([input({ type: 'checkboxes', options: [opt('a')], initial_options: [opt('a', 'other text')] })])),
      /initial_options must exactly match/,
    ],
    [
      'max_selected_items 0',
      () => viewErrors(modal([input({ type: 'multi_users_select', max_selected_items: 0 })])),
      /max_selected_items must be an integer >= 1/,
    ],
    [
      'more than 25 actions elements',
      () => msgErrors([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: pt('b') })) }]),
      /no more than 25 elements/,
    ],
    ['button text over 75', () => msgErrors([{ type: 'actions', elements: [{ type: 'button', text: pt('b'.repeat(76)) }] }]), /button text must be at most 75/],
    [
      'button value over 2000',
      () => msgErrors([{ type: 'actions', elements: [{ type: 'button', text: pt('b'), value: 'v'.repeat(2001) }] }]),
      /button value must be at most 2000/,
    ],
    [
      'action_id over 255',
      () => msgErrors([{ type: 'actions', elements: [{ type: 'button', text: pt('b'), action_id: 'a'.repeat(256) }] }]),
      /action_id must be at most 255/,
    ],
    [
      'a repeated action_id in a block',
      () =>
        msgErrors([
          {
            type: 'actions',
            elements: [
              { type: 'button', text: pt('b'), action_id: 'x' },
              { type: 'button', text: pt('c'), action_id: 'x' },
            ],
          },
        ]),
      /duplicate action_id "x"/,
    ],
    ['more than 10 context elements', () => msgErrors([{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }]), /no more than 10 elements/],
    [
      'a bad text object type',
      () => msgErrors([{ type: 'section', text: { type: 'markdown', text: 'x' } }]),
      /type must be plain_text or mrkdwn, got "markdown"/,
    ],
    ['a modal with inputs but no submit', () => viewErrors(modal([input({ type: 'plain_text_input' })], { submit: undefined })), /must have a submit button/],
    ['an unknown block type', () => msgErrors([{ type: 'sectoin' }]), /unsupported block type "sectoin"/],
    [
      'an element in the wrong block',
      () => msgErrors([{ type: 'section', text: md('x'), accessory: { type: 'plain_text_input' } }]),
      /not allowed in a section block/,
    ],
  ])('reports %s', (_name, run, pattern) => {
    expect(run()).toMatch(pattern);
  });
});
