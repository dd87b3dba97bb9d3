import type { View } from '@slack/types';
import type { AddUserResult } from '../../core/users/add-user.js';
import { roleLabels } from '../../core/roles.js';
import { expiryText } from './dates.js';
import { CALLBACK } from './ids.js';
import { context, esc, fields, plain, section } from './kit.js';

/** After Finish: what is made, with the username and temporary password (shown this once), and "Add another user". */
export function addUserResultView(result: Pick<AddUserResult, 'notice' | 'credentialRecipients' | 'roles'>, actorId: string, now: Date): View {
  const { notice } = result;
  const recipients = [actorId, ...result.credentialRecipients].map((id) => `<@${id}>`).join(', ');
  return {
    type: 'modal',
    callback_id: CALLBACK.addUserDone,
    title: plain('User added', 24),
    submit: plain('Add another user', 24),
    close: plain('Done', 24),
    blocks: [
      section(`:white_check_mark: *${esc(notice.displayName)}* has been added.`),
      ...fields([
        ['Username', `\`${esc(notice.userPrincipalName)}\``],
        ['Temporary password', `\`${esc(notice.temporaryPassword)}\``],
        ['Change at next sign-in', notice.mustChangeAtNextSignIn ? 'Yes, required' : 'No'],
        ['Password expires', expiryText(notice.passwordExpiresAt, now)],
        ['Licenses', esc(notice.licenses.join(', ') || 'None')],
        ['Roles', result.roles.length ? roleLabels(result.roles) : 'User (no admin access)'],
      ]),
      context(
        `The credentials were sent as a DM to ${recipients}; each of them can show the password once from that DM within 24 hours, after which Roster destroys it.`,
      ),
    ],
  };
}
