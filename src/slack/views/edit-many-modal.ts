import type { KnownBlock, View } from '@slack/types';
import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import { PROFILE_FIELDS, type ProfileField } from '../../core/rules/profile-fields.js';
import { CALLBACK, VALUE } from './ids.js';
import { context, header, option, plain, textInput } from './kit.js';
import { appsToTurnOffBlocks, productChoices } from './license-blocks.js';
import { MAX_LICENSES_PER_USER } from './add-user-modal.js';
import { SIGN_IN_ALLOWED, SIGN_IN_BLOCKED } from './edit-user-modal.js';
import { usageLocationInput } from './usage-location.js';

export const NO_CHANGE = 'no_change';
export const LICENSE_MODE = { keep: 'keep', replace: 'replace', add: 'add' } as const;

/** The profile fields Edit many offers (names are per person, so not these). */
export const EDIT_MANY_FIELDS: ProfileField[] = [
  'jobTitle',
  'department',
  'officeNumber',
  'officePhone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
];

/** The most a Slack plain_text_input holds: about 100 usernames of 30 characters. */
const USERNAMES_MAX_CHARACTERS = 3000;

const modeOption = (mode: keyof typeof LICENSE_MODE) =>
  option(
    { keep: 'Keep current license assignments', replace: 'Replace current license assignments', add: 'Add to current license assignments' }[mode],
    LICENSE_MODE[mode],
  );

const APPS_HINT = 'Replace sets these for everyone; Add gives the product with these off to those who do not have it yet (who has it keeps their own).';

/**
 * Edit many users: who (pasted usernames, a picker, or the list's selection carried in
 * private_metadata), then only the fields to set, and what to do with licenses: the products,
 * with an "Apps to turn off" picker for each one chosen (`chosenSkuIds`: choosing re-renders the form).
 */
export function editManyModal(products: readonly LicenseCount[], preselected: readonly string[], chosenSkuIds: readonly string[] = []): View {
  const chosen = products.filter((p) => chosenSkuIds.includes(p.product.skuId)).slice(0, MAX_LICENSES_PER_USER);
  const signIn = [option('No change', NO_CHANGE), option('Allow the users to sign in', SIGN_IN_ALLOWED), option('Block sign-in', SIGN_IN_BLOCKED)];
  const blocks: KnownBlock[] = [
    header('Users'),
    ...(preselected.length ? [context(`${preselected.length} users selected in the list. Add more below if you like.`)] : []),
    textInput('usernames', 'Usernames', {
      multiline: true,
      maxLength: USERNAMES_MAX_CHARACTERS,
      hint: `One per line, or separated by commas: at most ${USERNAMES_MAX_CHARACTERS.toLocaleString('en')} characters (about 100 usernames). For more, tick users under a list (/users list) and press Edit selected, or run: npm run roster -- users edit-many --file <usernames.txt>`,
      placeholder: 'ana@contoso.com, bob@contoso.com',
    }),
    {
      type: 'input',
      block_id: 'users',
      optional: true,
      label: plain('Or pick users'),
      element: { type: 'multi_external_select', action_id: VALUE, placeholder: plain('Type a name or username'), min_query_length: 1 },
    },
    header('Details'),
    context('Only the fields you fill in are changed; empty ones are left as they are.'),
    ...EDIT_MANY_FIELDS.map((field) => textInput(field, PROFILE_FIELDS[field].label, { maxLength: PROFILE_FIELDS[field].max })),
    header('Settings'),
    {
      type: 'input',
      block_id: 'signIn',
      label: plain('Sign-in status'),
      element: { type: 'radio_buttons', action_id: VALUE, options: signIn, initial_option: signIn[0]! },
    },
    usageLocationInput('usageLocation', 'Leave empty to keep each user’s own.'),
    {
      type: 'input',
      block_id: 'manager',
      optional: true,
      label: plain('Manager'),
      hint: plain('Leave empty to keep each user’s own; “No manager” removes theirs.'),
      // The same picker as Edit user's (listeners/options/manager-options.ts).
      element: { type: 'external_select', action_id: VALUE, min_query_length: 0, placeholder: plain('No change') },
    },
    header('Licenses'),
    {
      type: 'input',
      block_id: 'licenseMode',
      label: plain('Product licenses'),
      element: {
        type: 'radio_buttons',
        action_id: VALUE,
        options: [modeOption('keep'), modeOption('replace'), modeOption('add')],
        initial_option: modeOption('keep'),
      },
    },
    ...(products.length
      ? [
          {
            type: 'input' as const,
            block_id: 'licenses',
            optional: true,
            // Choosing re-renders the form (views.update) with an "Apps to turn off" picker for each chosen product.
            dispatch_action: true,
            label: plain('Products to replace with, or to add'),
            element: {
              type: 'multi_static_select' as const,
              action_id: VALUE,
              placeholder: plain('Choose products'),
              max_selected_items: MAX_LICENSES_PER_USER,
              ...productChoices(products),
            },
          },
          ...appsToTurnOffBlocks(chosen, APPS_HINT),
        ]
      : [context('The organization has no licenses yet.')]),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.editMany,
    private_metadata: preselected.join(','),
    title: plain('Edit users', 24),
    submit: plain('Save changes', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}
