import type { KnownBlock, View } from '@slack/types';
import type { AddUserOptions } from '../../core/users/add-user-options.js';
import { MAX_CREDENTIAL_RECIPIENTS } from '../../core/users/add-user-input.js';
import { PROFILE_FIELDS, type ProfileField } from '../../core/rules/profile-fields.js';
import { USERNAME_LIMITS } from '../../core/rules/username.js';
import { ROLE_IDS, ROLES } from '../../core/roles.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { button, context, header, option, plain, textInput } from './kit.js';
import { appsToTurnOffBlocks, productChoices } from './license-blocks.js';
import { usageLocationInput } from './usage-location.js';

export const PASSWORD_AUTO = 'auto';
export const PASSWORD_CUSTOM = 'custom';
export const REQUIRE_CHANGE = 'require_change';

const OPTIONAL_PROFILE: ProfileField[] = [
  'jobTitle',
  'department',
  'officeNumber',
  'officePhone',
  'mobilePhone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
];

/**
 * The Add user form, one modal following the admin-center wizard: Basics, Product licenses,
 * Optional settings. Block ids are the core's field names, so errors land on the right field.
 */
export interface AddUserFormState {
  /** "Let me create the password" is chosen: the Password box is shown. */
  customPassword: boolean;
  /** The products chosen so far: only these get an "Apps to turn off" picker. */
  chosenSkuIds?: readonly string[];
}

/**
 * The most products one user can be given in the form: each may add an "Apps to turn off" picker,
 * and a modal holds at most 100 blocks (the rest of the form uses about 30).
 */
export const MAX_LICENSES_PER_USER = 30;

const passwordModeOption = (mode: typeof PASSWORD_AUTO | typeof PASSWORD_CUSTOM) =>
  option(mode === PASSWORD_AUTO ? 'Automatically create a password' : 'Let me create the password', mode);

export function addUserModal(options: AddUserOptions, form: AddUserFormState = { customPassword: false }): View {
  const blocks: KnownBlock[] = [
    // Several people at once: this form becomes the Add several users form (add-many-modal.ts).
    {
      type: 'section',
      block_id: 'add_many',
      text: { type: 'mrkdwn', text: 'Adding several people?' },
      accessory: button('Add several users', ACTION.openAddMany),
    },
    header('Basics'),
    textInput('firstName', PROFILE_FIELDS.firstName.label, { maxLength: PROFILE_FIELDS.firstName.max }),
    textInput('lastName', PROFILE_FIELDS.lastName.label, { maxLength: PROFILE_FIELDS.lastName.max }),
    textInput('displayName', PROFILE_FIELDS.displayName.label, {
      maxLength: PROFILE_FIELDS.displayName.max,
      hint: 'Leave empty to use the first and last name.',
    }),
    textInput('alias', 'Username', {
      optional: false,
      maxLength: USERNAME_LIMITS.alias,
      placeholder: 'ana.silva',
      hint: "The part before the @. Letters, digits and ' . - _ ! # ^ ~",
    }),
    {
      type: 'input',
      block_id: 'domain',
      label: plain('Domain'),
      element: {
        type: 'static_select',
        action_id: VALUE,
        options: options.domains.slice(0, 100).map((domain) => option(`@${domain}`, domain)),
        ...(options.domains[0] ? { initial_option: option(`@${options.domains[0]}`, options.domains[0]) } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'passwordMode',
      // Choosing re-renders the form (views.update) to show or hide the Password box; Slack keeps
      // what was typed in every input whose block id stays the same.
      dispatch_action: true,
      label: plain('Password settings'),
      element: {
        type: 'radio_buttons',
        action_id: VALUE,
        options: [passwordModeOption(PASSWORD_AUTO), passwordModeOption(PASSWORD_CUSTOM)],
        initial_option: passwordModeOption(form.customPassword ? PASSWORD_CUSTOM : PASSWORD_AUTO),
      },
    },
    ...(form.customPassword
      ? [
          textInput('password', 'Password', {
            optional: false,
            maxLength: 256,
            hint: '8-256 characters, with 3 of: lowercase letters, uppercase letters, digits, symbols.',
          }),
        ]
      : []),
    {
      type: 'input',
      block_id: 'requirePasswordChange',
      optional: true,
      label: plain('Sign-in'),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: [option('Require this user to change their password when they first sign in', REQUIRE_CHANGE)],
        initial_options: [option('Require this user to change their password when they first sign in', REQUIRE_CHANGE)],
      },
    },
    {
      type: 'input',
      block_id: 'startDate',
      optional: true,
      label: plain('Start date'),
      hint: plain(
        "Empty or today: the user starts now. A later day: the account is made now with sign-in blocked; that day, at the organization's set hour, sign-in is allowed, the licenses assigned and the password sent.",
      ),
      element: { type: 'datepicker', action_id: VALUE },
    },
    {
      type: 'input',
      block_id: 'credentialRecipients',
      optional: true,
      label: plain('Send password in a Slack DM to'),
      hint: plain(`Up to ${MAX_CREDENTIAL_RECIPIENTS} people. You get the credentials too.`),
      element: { type: 'multi_users_select', action_id: VALUE, max_selected_items: MAX_CREDENTIAL_RECIPIENTS },
    },
    header('Product licenses'),
    ...licenseBlocks(options, form.chosenSkuIds ?? []),
    header('Optional settings'),
    ...roleBlocks(options),
    {
      type: 'input',
      block_id: 'slackUserId',
      optional: true,
      label: plain('Slack account'),
      hint: plain('Link this user to a Slack member: the roles you give here then apply to what they do in Roster.'),
      element: { type: 'users_select', action_id: VALUE },
    },
    ...OPTIONAL_PROFILE.map((field) => textInput(field, PROFILE_FIELDS[field].label, { maxLength: PROFILE_FIELDS[field].max, multiline: field === 'address' })),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.addUser,
    title: plain('Add a user', 24),
    submit: plain('Next', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

function licenseBlocks(options: AddUserOptions, chosenSkuIds: readonly string[]): KnownBlock[] {
  if (!options.canAssignLicenses) return [context('You can add users but not assign licenses; a License admin can assign them later.')];
  const blocks: KnownBlock[] = [usageLocationInput()];
  if (options.licenses.length === 0) {
    blocks.push(
      context('The organization has no licenses yet: the user is created without one. Buy some with `/licenses buy &lt;product&gt; &lt;quantity&gt;`.'),
    );
    return blocks;
  }
  const chosen = new Set(chosenSkuIds);
  const chosenLicenses = options.licenses.filter((l) => chosen.has(l.product.skuId)).slice(0, MAX_LICENSES_PER_USER);
  const choices = productChoices(options.licenses);
  const offered = 'options' in choices ? choices.options : choices.option_groups.flatMap((g) => g.options);
  const initial = offered.filter((o) => chosenLicenses.some((l) => l.product.skuId === o.value));
  blocks.push({
    type: 'input',
    block_id: 'licenses',
    optional: true,
    // Choosing re-renders the form (views.update) with an "Apps to turn off" picker for each chosen product.
    dispatch_action: true,
    label: plain('Select licenses'),
    hint: plain('Leave empty to create the user without a product license.'),
    element: {
      type: 'multi_static_select',
      action_id: VALUE,
      placeholder: plain('Choose products'),
      max_selected_items: MAX_LICENSES_PER_USER,
      ...choices,
      ...(initial.length > 0 ? { initial_options: initial } : {}),
    },
  });
  blocks.push(...appsToTurnOffBlocks(chosenLicenses));
  return blocks;
}

function roleBlocks(options: AddUserOptions): KnownBlock[] {
  if (!options.canAssignRoles) return [context('Only a Global admin can give admin roles.')];
  return [
    {
      type: 'input',
      block_id: 'roles',
      optional: true,
      label: plain('Roles'),
      hint: plain('Leave empty for a user with no admin access. Admins need an alternate email address.'),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('User (no admin access)'),
        options: ROLE_IDS.map((role) => option(ROLES[role], role)),
      },
    },
    textInput('alternateEmail', 'Alternate email address', { maxLength: 254, placeholder: 'name@example.com' }),
  ];
}
