import type { KnownBlock, View } from '@slack/types';
import type { CustomViewSummary } from '../../core/views/custom-view-admin.js';
import { CHECKBOX_CONDITIONS, CONDITION_LABELS, describeConditions, TEXT_CONDITIONS, type ViewConditions } from '../../core/views/view-conditions.js';
import type { Blocks } from '../slack-port.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { button, context, esc, header, option, plain, section, textInput } from './kit.js';
import { usageLocationInput } from './usage-location.js';

/** `/users views`: each custom view with Open, Edit and Delete; New view. */
export function customViewsMessage(organizationName: string, views: readonly CustomViewSummary[], canManage: boolean): { text: string; blocks: Blocks } {
  const blocks: KnownBlock[] = [header(`Custom views: ${organizationName}`.slice(0, 150))];
  if (views.length === 0) blocks.push(section('No custom views yet.'));
  // A message holds at most 50 blocks: 50 views fit as 2 lines each in sections of up to 10.
  for (const [index, view] of views.slice(0, 44).entries()) {
    blocks.push({
      type: 'section',
      block_id: `view_${index}`,
      text: { type: 'mrkdwn', text: `*${esc(view.name)}*\n${esc(describeConditions(view.conditions)) || 'no condition'}`.slice(0, 3000) },
      accessory: canManage
        ? {
            type: 'overflow',
            action_id: ACTION.editView,
            options: [option('Open', `open:${view.id}`), option('Edit', `edit:${view.id}`), option('Delete', `delete:${view.id}`)],
          }
        : button('Open', ACTION.openView, undefined, `cv:${view.id}`),
    });
  }
  if (views.length > 44) blocks.push(context(`and ${views.length - 44} more: open them from the view menu of \`/users list\`.`));
  if (canManage) blocks.push({ type: 'actions', block_id: 'views_actions', elements: [button('New view', ACTION.newView, 'primary')] });
  else blocks.push(context('Global admins and User admins can make, change and delete views.'));
  return { text: esc(`${views.length} custom views`), blocks };
}

/** Asks before a custom view is deleted: every admin of the organization loses it. */
export function deleteViewModal(view: { id: string; name: string }, responseUrl?: string): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.deleteCustomView,
    private_metadata: JSON.stringify({ id: view.id, ...(responseUrl ? { responseUrl } : {}) }),
    title: plain('Delete view', 24),
    submit: plain('Delete', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Delete the view *${esc(view.name)}*? Every admin of the organization loses it. The users in it are not changed, and the view cannot be brought back.`,
      ),
    ],
  };
}

const select = (field: string, label: string, options: { text: string; value: string }[], initial?: string): KnownBlock => ({
  type: 'input',
  block_id: field,
  optional: true,
  label: plain(label),
  element: {
    type: 'static_select',
    action_id: VALUE,
    placeholder: plain('Any'),
    options: options.slice(0, 100).map((o) => option(o.text, o.value)),
    ...(initial && options.some((o) => o.value === initial) ? { initial_option: option(options.find((o) => o.value === initial)!.text, initial) } : {}),
  },
});

/** The custom view form: a name, then the conditions (all must hold). Block ids are the condition names. */
export function customViewModal(
  form: { domains: string[]; products: { skuId: string; name: string }[] },
  view?: { id: string; name: string; conditions: ViewConditions },
): View {
  const c = view?.conditions ?? {};
  const checks = CHECKBOX_CONDITIONS.map((name) => option(CONDITION_LABELS[name], name));
  const checked = checks.filter((o) => c[o.value as (typeof CHECKBOX_CONDITIONS)[number]] === true);
  const blocks: KnownBlock[] = [
    textInput('name', 'View name', { optional: false, maxLength: 64, ...(view ? { initial: view.name } : {}), placeholder: 'Canadian users' }),
    context('Users in the view match *every* condition you set.'),
    select(
      'domain',
      CONDITION_LABELS.domain,
      form.domains.map((d) => ({ text: d, value: d })),
      c.domain,
    ),
    select(
      'signIn',
      CONDITION_LABELS.signIn,
      [
        { text: 'Allowed', value: 'allowed' },
        { text: 'Blocked', value: 'blocked' },
      ],
      c.signIn,
    ),
    usageLocationInput('usageLocation', 'Users whose usage location is this country.', c.usageLocation),
    select(
      'skuId',
      CONDITION_LABELS.skuId,
      form.products.map((p) => ({ text: p.name, value: p.skuId })),
      c.skuId,
    ),
    // The values the organization's users have, offered as the admin types (custom-view-values.ts).
    ...TEXT_CONDITIONS.map(
      (name): KnownBlock => ({
        type: 'input',
        block_id: name,
        optional: true,
        label: plain(CONDITION_LABELS[name]),
        hint: plain("A value your users have; the case doesn't matter."),
        element: {
          type: 'external_select',
          action_id: VALUE,
          placeholder: plain('Type to see the values in use'),
          min_query_length: 0,
          ...(c[name] ? { initial_option: option(c[name]!, c[name]!) } : {}),
        },
      }),
    ),
    textInput('manager', CONDITION_LABELS.manager, {
      maxLength: 113,
      hint: 'A username: the view lists the users who report to them.',
      ...(c.manager ? { initial: c.manager } : {}),
    }),
    {
      type: 'input',
      block_id: 'conditions',
      optional: true,
      label: plain('Also'),
      element: { type: 'checkboxes', action_id: VALUE, options: checks, ...(checked.length > 0 ? { initial_options: checked } : {}) },
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.customView,
    private_metadata: view?.id ?? '',
    title: plain(view ? 'Edit view' : 'New view', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}
