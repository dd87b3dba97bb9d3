import type { KnownBlock, View } from '@slack/types';
import { formField, MAX_FORM_USERS } from '../../core/bulk/form-import.js';
import type { AddUserOptions } from '../../core/users/add-user-options.js';
import { PROFILE_FIELDS } from '../../core/rules/profile-fields.js';
import { USERNAME_LIMITS } from '../../core/rules/username.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { resultRecipientsInput, signInInput } from './import-modals.js';
import { button, context, header, option, plain, textInput } from './kit.js';
import { productChoices } from './license-blocks.js';
import { usageLocationInput } from './usage-location.js';

/** The rows a new form starts with; "Add another user" adds one at a time, up to MAX_FORM_USERS. */
export const FIRST_FORM_ROWS = 3;
export const NO_LICENSE = 'none';

/**
 * The Add several users form: a few users (first name, last name, display name, username and a
 * product each), then what an import asks once for all (domain, usage location, sign-in, who gets
 * the results). `private_metadata` holds how many rows it shows. Block ids are the core's field
 * names (`user2:username`), so its problems land on their row's input.
 */
export function addManyUsersModal(options: AddUserOptions, rows = FIRST_FORM_ROWS): View {
  const shown = Math.min(Math.max(rows, 1), MAX_FORM_USERS);
  const blocks: KnownBlock[] = [
    context(`Up to ${MAX_FORM_USERS} users, each with a product or none. Rows left empty are skipped. For more, import a CSV (\`/users import\`).`),
  ];
  for (let n = 1; n <= shown; n++) blocks.push(...userBlocks(options, n));
  if (shown < MAX_FORM_USERS)
    blocks.push({ type: 'actions', block_id: 'add_many_rows', elements: [button('Add another user', ACTION.addManyRow, undefined, String(shown + 1))] });
  blocks.push(header('For all of them'), ...settingsBlocks(options));
  return {
    type: 'modal',
    callback_id: CALLBACK.addManyUsers,
    private_metadata: JSON.stringify({ rows: shown }),
    title: plain('Add several users', 24),
    submit: plain('Add users', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** How many rows a shown form has (its metadata). */
export function rowsOf(privateMetadata: string | undefined): number {
  try {
    const rows = (JSON.parse(privateMetadata ?? '') as { rows?: unknown }).rows;
    return typeof rows === 'number' && Number.isInteger(rows) ? Math.min(Math.max(rows, 1), MAX_FORM_USERS) : FIRST_FORM_ROWS;
  } catch {
    return FIRST_FORM_ROWS;
  }
}

function userBlocks(options: AddUserOptions, n: number): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(`User ${n}`),
    textInput(formField(n, 'firstName'), PROFILE_FIELDS.firstName.label, { maxLength: PROFILE_FIELDS.firstName.max }),
    textInput(formField(n, 'lastName'), PROFILE_FIELDS.lastName.label, { maxLength: PROFILE_FIELDS.lastName.max }),
    textInput(formField(n, 'displayName'), PROFILE_FIELDS.displayName.label, {
      maxLength: PROFILE_FIELDS.displayName.max,
      hint: 'Leave empty to use the first and last name.',
    }),
    textInput(formField(n, 'username'), 'Username', {
      maxLength: USERNAME_LIMITS.upn,
      placeholder: 'ana.silva',
      hint: 'The part before the @ (the domain below is added), or a whole username such as ana@contoso.com.',
    }),
  ];
  if (options.canAssignLicenses && options.licenses.length > 0) {
    blocks.push({
      type: 'input',
      block_id: formField(n, 'license'),
      optional: true,
      label: plain('Product license'),
      element: {
        type: 'static_select',
        action_id: VALUE,
        placeholder: plain('No license'),
        ...productChoices(options.licenses, [option('No license', NO_LICENSE)]),
      },
    });
  }
  return blocks;
}

function settingsBlocks(options: AddUserOptions): KnownBlock[] {
  const domains = options.domains.slice(0, 100);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'domain',
      label: plain('Domain'),
      hint: plain('Of every username typed without one.'),
      element: {
        type: 'static_select',
        action_id: VALUE,
        options: domains.map((domain) => option(`@${domain}`, domain)),
        ...(domains[0] ? { initial_option: option(`@${domains[0]}`, domains[0]) } : {}),
      },
    },
    usageLocationInput('usageLocation', 'Where the users mainly work; required to assign a license.'),
    signInInput(),
    resultRecipientsInput(),
  ];
  if (!options.canAssignLicenses) blocks.push(context('You can add users but not assign licenses: they are added without one.'));
  else if (options.licenses.length === 0)
    blocks.push(context('The organization has no licenses: the users are added without one. Buy some with `/licenses buy &lt;product&gt; &lt;quantity&gt;`.'));
  return blocks;
}
