import type { View } from '@slack/types';
import { MAX_CREDENTIAL_RECIPIENTS } from '../../core/users/add-user-input.js';
import { BLOCK_DELAY_NOTE } from '../../core/users/block-user.js';
import { PASSWORD_AUTO, PASSWORD_CUSTOM, REQUIRE_CHANGE } from './add-user-modal.js';
import { CALLBACK, VALUE } from './ids.js';
import { context, esc, option, plain, section, textInput } from './kit.js';

/** The confirmation before blocking or unblocking sign-in; the user id travels in private_metadata. */
export function signInConfirmModal(user: { userId: string; displayName: string; userPrincipalName: string }, block: boolean): View {
  const who = `*${esc(user.displayName)}* (\`${esc(user.userPrincipalName)}\`)`;
  return {
    type: 'modal',
    callback_id: block ? CALLBACK.blockUser : CALLBACK.unblockUser,
    private_metadata: user.userId,
    title: plain(block ? 'Block sign-in' : 'Allow sign-in', 24),
    submit: plain(block ? 'Block sign-in' : 'Allow sign-in', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(block ? `Block ${who} from signing in? They are signed out of their apps as their sessions end.` : `Allow ${who} to sign in again?`),
      context(esc(BLOCK_DELAY_NOTE)),
    ],
  };
}

const modeOption = (mode: typeof PASSWORD_AUTO | typeof PASSWORD_CUSTOM) =>
  option(mode === PASSWORD_AUTO ? 'Automatically create a password' : 'Let me create the password', mode);
const requireChange = option('Require this user to change their password when they first sign in', REQUIRE_CHANGE);

/** Reset a password: automatic or chosen, change at first sign-in, up to 5 people to send it to. */
export function resetPasswordModal(user: { userId: string; displayName: string; userPrincipalName: string }): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.resetPassword,
    private_metadata: user.userId,
    title: plain('Reset password', 24),
    submit: plain('Reset password', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(`Reset the password of *${esc(user.displayName)}* (\`${esc(user.userPrincipalName)}\`).`),
      {
        type: 'input',
        block_id: 'passwordMode',
        label: plain('Password'),
        element: {
          type: 'radio_buttons',
          action_id: VALUE,
          options: [modeOption(PASSWORD_AUTO), modeOption(PASSWORD_CUSTOM)],
          initial_option: modeOption(PASSWORD_AUTO),
        },
      },
      textInput('password', 'Your password', {
        maxLength: 256,
        hint: 'Only with "Let me create the password": 8-256 characters, with 3 of lowercase, uppercase, digits, symbols.',
      }),
      {
        type: 'input',
        block_id: 'requirePasswordChange',
        optional: true,
        label: plain('Sign-in'),
        element: { type: 'checkboxes', action_id: VALUE, options: [requireChange], initial_options: [requireChange] },
      },
      {
        type: 'input',
        block_id: 'credentialRecipients',
        optional: true,
        label: plain('Send the password in a Slack DM to'),
        hint: plain(`Up to ${MAX_CREDENTIAL_RECIPIENTS} people. You get it too.`),
        element: { type: 'multi_users_select', action_id: VALUE, max_selected_items: MAX_CREDENTIAL_RECIPIENTS },
      },
    ],
  };
}
