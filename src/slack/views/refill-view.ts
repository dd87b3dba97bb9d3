import type { KnownBlock, View } from '@slack/types';
import type { StateValue, ViewStateValues } from '../parse/view-state.js';
import { VALUE } from './ids.js';
import { context, esc } from './kit.js';

type Option = { text: unknown; value?: string };
type Element = { type: string; options?: Option[]; option_groups?: { options: Option[] }[] } & Record<string, unknown>;
type Input = Extract<KnownBlock, { type: 'input' }>;
const isInput = (block: KnownBlock): block is Input => block.type === 'input';

/**
 * A form shown again after the work that followed its ack was refused (Microsoft 365 refusing a
 * change, say): every answer the person gave filled in again (`values`, the submitted view's
 * state), and each problem written right under the field it concerns (a view update cannot use
 * Slack's own field errors, which only a submission's ack can show). A problem whose field the
 * form does not show goes at the top. `view` is the form as its builder makes it.
 */
export function refilledForm(view: View, values: ViewStateValues, problems: { field: string; message: string }[]): View {
  const filled = (view.blocks as KnownBlock[]).map((block) => {
    const value = isInput(block) ? values[block.block_id ?? '']?.[VALUE] : undefined;
    return value && isInput(block) ? refill(block, value) : block;
  });
  const blocks: KnownBlock[] = [];
  const shown = new Set(filled.map((b) => b.block_id));
  const orphans = problems.filter((p) => !shown.has(p.field));
  if (orphans.length) blocks.push(problemBlock(orphans.map((p) => p.message).join(' ')));
  for (const block of filled) {
    blocks.push(block);
    const here = problems.filter((p) => p.field === block.block_id);
    if (here.length) blocks.push(problemBlock(here.map((p) => p.message).join(' ')));
  }
  return { ...view, blocks: blocks.slice(0, 100) };
}

const problemBlock = (message: string): KnownBlock => context(`:warning: ${esc(message)}`);

/** The input with what was submitted as its initial value (none when it was left empty). */
function refill(block: Input, value: StateValue): KnownBlock {
  const element = block.element as unknown as Element;
  const offered = [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options)];
  const { initial_value: _v, initial_option: _o, initial_options: _os, initial_user: _u, initial_users: _us, initial_date: _d, ...bare } = element;
  const set = (extra: Record<string, unknown>): KnownBlock => ({ ...block, element: { ...bare, ...extra } }) as KnownBlock;
  switch (element.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return set(value.value ? { initial_value: value.value } : {});
    case 'external_select':
      // Its options come from Roster as typed: the option Slack sent back is the one to show.
      return set(value.selected_option ? { initial_option: value.selected_option } : {});
    case 'static_select':
    case 'radio_buttons': {
      const chosen = offered.find((o) => o.value === value.selected_option?.value);
      return set(chosen ? { initial_option: chosen } : {});
    }
    case 'multi_static_select':
    case 'checkboxes': {
      const picked = (value.selected_options ?? []).map((o) => o.value);
      const chosen = offered.filter((o) => picked.includes(o.value ?? ''));
      return set(chosen.length ? { initial_options: chosen } : {});
    }
    case 'multi_external_select':
      return set(value.selected_options?.length ? { initial_options: value.selected_options } : {});
    case 'users_select':
      return set(value.selected_user ? { initial_user: value.selected_user } : {});
    case 'multi_users_select':
      return set(value.selected_users?.length ? { initial_users: value.selected_users } : {});
    case 'datepicker':
      return set(value.selected_date ? { initial_date: value.selected_date } : {});
    default:
      return block;
  }
}
