import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import type { ParsedAddUserInput } from '../../core/users/add-user-input.js';
import { PROFILE_FIELD_NAMES } from '../../core/rules/profile-fields.js';
import type { AddUserFormState } from './add-user-modal.js';
import { plain } from './kit.js';
import { locationOption } from './usage-location.js';

const TEXT_FIELDS = new Set<string>([...PROFILE_FIELD_NAMES, 'alias', 'alternateEmail']);

type Element = { type: string; options?: PlainTextOption[]; initial_options?: PlainTextOption[] } & Record<string, unknown>;
type Input = Extract<KnownBlock, { type: 'input' }>;
const isInput = (block: { type: string }): block is Input => block.type === 'input';

/** The Add user form's state for these answers: their password mode and their products. */
export function formStateOf(input: ParsedAddUserInput): AddUserFormState {
  return { customPassword: input.password.mode === 'custom', chosenSkuIds: input.licenses.map((l) => l.skuId) };
}

/**
 * Back from the review: the Add user form (as `addUserModal` builds it for `formStateOf(input)`)
 * with every answer filled in again, the apps turned off per product included. A password the
 * admin typed is not: it would go back to Slack in clear, so the Password box asks for it again.
 * The form is rebuilt in place of the review, so Slack shows these initial values (it keeps typed
 * values only over an update of the same form).
 */
export function fillAddUserForm(view: View, input: ParsedAddUserInput): View {
  return { ...view, blocks: view.blocks.map((block) => (isInput(block) ? fill(block, input) : block)) };
}

function fill(block: Input, input: ParsedAddUserInput): KnownBlock {
  const field = block.block_id ?? '';
  const element = block.element as unknown as Element;
  const withElement = (extra: Record<string, unknown>): KnownBlock => ({ ...block, element: { ...element, ...extra } }) as KnownBlock;
  const chosen = (values: readonly string[]) => {
    const initial = (element.options ?? []).filter((o) => values.includes(o.value ?? ''));
    return initial.length ? withElement({ initial_options: initial }) : block;
  };
  if (field === 'password') return { ...block, hint: plain('Type the password again: Roster never sends a password you typed back to Slack.') };
  if (TEXT_FIELDS.has(field)) {
    const value = (input as unknown as Record<string, unknown>)[field];
    return typeof value === 'string' && value !== '' ? withElement({ initial_value: value }) : block;
  }
  if (field.startsWith('apps:')) return chosen(input.licenses.find((l) => `apps:${l.skuId}` === field)?.disabledPlans ?? []);
  switch (field) {
    case 'domain': {
      const domain = (element.options ?? []).find((o) => o.value === input.domain);
      return domain ? withElement({ initial_option: domain }) : block;
    }
    case 'requirePasswordChange': {
      if (input.requirePasswordChange) return block;
      const { initial_options: _checked, ...unchecked } = element;
      return { ...block, element: unchecked } as KnownBlock;
    }
    case 'credentialRecipients':
      return input.credentialRecipients.length ? withElement({ initial_users: input.credentialRecipients }) : block;
    case 'usageLocation':
      return input.usageLocation ? withElement({ initial_option: locationOption(input.usageLocation.trim().toUpperCase()) }) : block;
    case 'roles':
      return chosen(input.roles);
    case 'startDate':
      return input.startDate ? withElement({ initial_date: input.startDate }) : block;
    case 'slackUserId':
      return input.slackUserId ? withElement({ initial_user: input.slackUserId }) : block;
    default:
      // The password mode and the products are the form's own state (formStateOf).
      return block;
  }
}
