import type { View } from '@slack/types';
import type { AddUserResult } from '../../core/users/add-user.js';
import { roleLabels } from '../../core/roles.js';
import { expiryText, slackDateTime } from './dates.js';
import { CALLBACK } from './ids.js';
import { context, esc, fields, plain, section } from './kit.js';

/** After Finish: what is made, with the username and temporary password (shown this once), and "Add another user". */
export function addUserResultView(
  result: Pick<AddUserResult, 'notice' | 'credentialRecipients' | 'roles' | 'start' | 'displayName' | 'userPrincipalName' | 'review'>,
  actorId: string,
  now: Date,
): View {
  const { notice, start } = result;
  const recipients = [actorId, ...result.credentialRecipients].map((id) => `<@${id}>`).join(', ');
  if (start || !notice) return scheduledResult(result, recipients);
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

/** A user with a start date: made with sign-in blocked and no password; what happens on the day. */
function scheduledResult(result: Pick<AddUserResult, 'start' | 'displayName' | 'userPrincipalName' | 'roles' | 'review'>, recipients: string): View {
  const { start } = result;
  const licenses = result.review.licenses.map((l) => l.product).join(', ');
  return {
    type: 'modal',
    callback_id: CALLBACK.addUserDone,
    title: plain('User added', 24),
    submit: plain('Add another user', 24),
    close: plain('Done', 24),
    blocks: [
      section(
        `:white_check_mark: *${esc(result.displayName)}* has been added, starting ${start ? slackDateTime(start.runAt) : 'later'}. Sign-in is blocked and no password is given until then.`,
      ),
      ...fields([
        ['Username', `\`${esc(result.userPrincipalName)}\``],
        ['Start date', start ? `${start.startDate} (${esc(start.timeZone)})` : '—'],
        ['Licenses on the start date', esc(licenses || 'None')],
        ['Roles', result.roles.length ? roleLabels(result.roles) : 'User (no admin access)'],
      ]),
      context(
        `On the start date sign-in is allowed, the licenses are assigned (seats are taken then) and a new temporary password goes by DM to ${recipients}. \`/users scheduled\` changes or cancels it.`,
      ),
    ],
  };
}
