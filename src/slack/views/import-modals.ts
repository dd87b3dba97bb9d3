import type { KnownBlock, View } from '@slack/types';
import type { ImportSettings } from '../../core/bulk/index.js';
import { formatBytes } from '../../core/import/index.js';
import { MAX_CREDENTIAL_RECIPIENTS } from '../../core/users/add-user-input.js';
import type { AddUserOptions } from '../../core/users/add-user-options.js';
import { ACTION, CALLBACK, VALUE } from './ids.js';
import { usersWord } from './import-preview.js';
import { MAX_LICENSES_PER_USER } from './add-user-modal.js';
import { button, context, esc, option, plain, section } from './kit.js';
import { appsToTurnOffBlocks, productChoices } from './license-blocks.js';
import { usageLocationInput } from './usage-location.js';

export const SIGN_IN_ALLOWED = 'allowed';
export const SIGN_IN_BLOCKED = 'blocked';
export const SYNCED = 'synced';
export const UPLOAD_FIELD = 'file';

/** Sign-in allowed or blocked for every user of an import (the settings form, Add several users). */
export const signInInput = (): KnownBlock => ({
  type: 'input',
  block_id: 'signInAllowed',
  label: plain('Sign-in status'),
  element: {
    type: 'radio_buttons',
    action_id: VALUE,
    options: [option('Allow these users to sign in', SIGN_IN_ALLOWED), option('Block these users from signing in', SIGN_IN_BLOCKED)],
    initial_option: option('Allow these users to sign in', SIGN_IN_ALLOWED),
  },
});

/** Who else gets an import's results DM (the settings form, Add several users). */
export const resultRecipientsInput = (): KnownBlock => ({
  type: 'input',
  block_id: 'recipients',
  optional: true,
  label: plain('Send the results to'),
  hint: plain(`Up to ${MAX_CREDENTIAL_RECIPIENTS} people. You get them too: a DM with the usernames and temporary passwords.`),
  element: { type: 'multi_users_select', action_id: VALUE, max_selected_items: MAX_CREDENTIAL_RECIPIENTS },
});

const SEATS_RUN_OUT: Record<ImportSettings['whenSeatsRunOut'], { text: string; description: string }> = {
  licensed_only: {
    text: 'Create only as many users as there are licenses (as the admin center does)',
    description: 'A user is made only with every product. The results say who was not.',
  },
  create_unlicensed: {
    text: 'Create the rest without a license',
    description: 'They get the products that still have seats; assign the rest later.',
  },
};

/** `/users import`: pick a CSV; the preview then arrives as a DM. */
export function importUploadModal(limits: { maxRows: number; maxBytes: number }): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.importUpload,
    title: plain('Import users', 24),
    submit: plain('Verify', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        block_id: 'import_intro',
        text: {
          type: 'mrkdwn',
          text: 'Add many users from a CSV file, as in the Microsoft 365 admin center. Roster first checks every row and shows you what would happen; nothing is added until you choose the settings.',
        },
        accessory: button('Sample CSV', ACTION.importTemplate),
      },
      {
        type: 'input',
        block_id: UPLOAD_FIELD,
        label: plain('CSV file'),
        hint: plain(
          `The admin center template (User Name, First Name, … Country or Region) or Entra's bulk-create template. Up to ${limits.maxRows.toLocaleString('en-US')} users and ${formatBytes(limits.maxBytes)}.`,
        ),
        element: { type: 'file_input', action_id: VALUE, filetypes: ['csv'], max_files: 1 },
      },
      context(
        'The preview is sent to you as a DM from Roster. You can also upload a .csv in your DM with Roster, or in an import channel (`/users import-channel list`).',
      ),
    ],
  };
}

/**
 * The settings of an import (the admin center wizard's Settings, Licenses and Results steps), opened
 * from the preview's button. `private_metadata` is the job id; block ids are the core's field names.
 */
export function importSettingsModal(jobId: string, fileName: string, rowsReady: number, options: AddUserOptions, chosenSkuIds: readonly string[] = []): View {
  const blocks: KnownBlock[] = [
    section(`*${esc(fileName)}*: ${usersWord(rowsReady)} ready to add.`),
    signInInput(),
    {
      type: 'input',
      block_id: 'synced',
      optional: true,
      label: plain('Directory synchronization'),
      hint: plain(
        "Synced users sign in with their on-premises password: no temporary password is made (a file's passwords are ignored), and the results say password managed on premises.",
      ),
      element: { type: 'checkboxes', action_id: VALUE, options: [option('Users are synchronized from on-premises Active Directory', SYNCED)] },
    },
    ...licenseBlocks(options, chosenSkuIds),
    resultRecipientsInput(),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.importSettings,
    private_metadata: jobId,
    title: plain('Import users', 24),
    submit: plain(`Add ${usersWord(rowsReady)}`, 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

function licenseBlocks(options: AddUserOptions, chosenSkuIds: readonly string[]): KnownBlock[] {
  const location = usageLocationInput();
  if (!options.canAssignLicenses) {
    return [location, context('You can add users but not assign licenses: they are added without one, and a License admin can assign them later.')];
  }
  if (options.licenses.length === 0) {
    return [
      location,
      context('The organization has no licenses: the users are added without one. Buy some with `/licenses buy &lt;product&gt; &lt;quantity&gt;`.'),
    ];
  }
  const chosen = options.licenses.filter((l) => chosenSkuIds.includes(l.product.skuId)).slice(0, MAX_LICENSES_PER_USER);
  const choices = productChoices(options.licenses);
  const offered = 'options' in choices ? choices.options : choices.option_groups.flatMap((g) => g.options);
  const initial = offered.filter((o) => chosen.some((l) => l.product.skuId === o.value));
  const blocks: KnownBlock[] = [
    usageLocationInput(
      'usageLocation',
      'Where the users mainly work; required to assign a license. Rows of an Entra file with their own usage location keep it.',
    ),
    {
      type: 'input',
      block_id: 'licenses',
      optional: true,
      // Choosing re-renders the form (views.update) with an "Apps to turn off" picker for each chosen product.
      dispatch_action: true,
      label: plain('Product licenses'),
      hint: plain('Every user in the file gets each product chosen. Leave empty to add them without a license.'),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('Choose products'),
        max_selected_items: MAX_LICENSES_PER_USER,
        ...choices,
        ...(initial.length > 0 ? { initial_options: initial } : {}),
      },
    },
    ...appsToTurnOffBlocks(chosen),
  ];
  blocks.push({
    type: 'input',
    block_id: 'whenSeatsRunOut',
    label: plain('If there are not enough licenses'),
    element: {
      type: 'radio_buttons',
      action_id: VALUE,
      options: (['licensed_only', 'create_unlicensed'] as const).map((value) => ({
        ...option(SEATS_RUN_OUT[value].text, value),
        description: plain(SEATS_RUN_OUT[value].description, 75),
      })),
      initial_option: { ...option(SEATS_RUN_OUT.licensed_only.text, 'licensed_only'), description: plain(SEATS_RUN_OUT.licensed_only.description, 75) },
    },
  });
  return blocks;
}

/**
 * Asked before an admin resumes an import someone else started: the results, with new passwords
 * for the users already made, go to whoever resumes, and the starter is told.
 */
export function resumeTakeoverModal(job: { id: string; fileName: string; requestedBy: string }, channel: string | undefined): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.importResumeConfirm,
    private_metadata: JSON.stringify({ jobId: job.id, channel: channel ?? null }),
    title: plain('Resume the import', 24),
    submit: plain('Resume', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `<@${job.requestedBy}> started the import of *${esc(job.fileName)}*. If you resume it, its results, with new temporary passwords for the users it already made, come to you instead, and <@${job.requestedBy}> is told.`,
      ),
    ],
  };
}
