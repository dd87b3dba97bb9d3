import type { CredentialNotice } from '../../core/users/add-user.js';
import type { Blocks } from '../slack-port.js';
import { expiryText } from './dates.js';
import { context, esc, fields, header, section } from './kit.js';

/**
 * The DM that carries a new user's credentials. This message and the Add user review are the only
 * places a temporary password is ever shown.
 */
export function credentialNoticeMessage(notice: CredentialNotice, sentBy: string, now: Date): { text: string; blocks: Blocks } {
  const licenses = notice.licenses.length > 0 ? notice.licenses.join(', ') : 'None (the user has no product license)';
  return {
    text: esc(`New account for ${notice.displayName}: ${notice.userPrincipalName}`),
    blocks: [
      header(esc(`New account: ${notice.displayName}`)),
      section(`<@${sentBy}> added *${esc(notice.displayName)}*. Pass these credentials on in person or through a channel you trust, then delete this message.`),
      ...fields([
        ['Display name', esc(notice.displayName)],
        ['Username', `\`${esc(notice.userPrincipalName)}\``],
        // Escaped so that a chosen password with `<`, `>` or `&` reads exactly as it was set.
        ['Temporary password', `\`${esc(notice.temporaryPassword)}\``],
        ['Change at next sign-in', notice.mustChangeAtNextSignIn ? 'Yes, required' : 'No'],
        ['Password expires', expiryText(notice.passwordExpiresAt, now)],
        ['Licenses', esc(licenses)],
      ]),
      context('Roster stores only a salted hash of this password; it cannot show it again.'),
    ],
  };
}
