import type { View } from '@slack/types';
import type { NoticeDetails } from '../../core/credentials/notice-details.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime, expiryText } from './dates.js';
import { ACTION } from './ids.js';
import { button, context, esc, fields, header, plain, section } from './kit.js';

/** Where the password of a credential notice is: waiting behind its button, shown once, or destroyed unseen. */
export type PasswordState =
  | { kind: 'pending'; id: string; expiresAt: Date }
  | { kind: 'viewed'; viewedBy: string; viewedAt: Date }
  | { kind: 'expired'; expiredAt: Date };

/** How a notice names what happened: a new account, a reset password, a restored account. */
const OCCASION: Record<NoticeDetails['occasion'], { text: string; header: string; did: string }> = {
  added: { text: 'New account for', header: 'New account:', did: 'added' },
  reset: { text: 'New password for', header: 'New password:', did: 'reset the password of' },
  restored: { text: 'New password for', header: 'Account restored:', did: 'restored' },
  started: { text: 'First day for', header: 'First day:', did: 'scheduled the start of' },
};

/**
 * The DM that tells a member about a new user's account (or a new password for one). It never holds the password: a
 * **Show password** button reveals it once, in a modal (which Slack keeps in no history), to the
 * member the DM was sent to. Once shown, or after 24 hours, the DM is redrawn to say which.
 */
export function credentialNoticeMessage(details: NoticeDetails, sentBy: string, now: Date, password: PasswordState): { text: string; blocks: Blocks } {
  const licenses = details.licenses.length > 0 ? details.licenses.join(', ') : 'None (the user has no product license)';
  return {
    text: esc(`${OCCASION[details.occasion].text} ${details.displayName}: ${details.userPrincipalName}`),
    blocks: [
      header(esc(`${OCCASION[details.occasion].header} ${details.displayName}`)),
      section(
        `${sentBy.startsWith('cli:') ? esc(sentBy) : `<@${sentBy}>`} ${OCCASION[details.occasion].did} *${esc(details.displayName)}*. ${passwordSentence(password)}`,
      ),
      ...fields([
        ['Display name', esc(details.displayName)],
        ['Username', `\`${esc(details.userPrincipalName)}\``],
        ['Change at next sign-in', details.mustChangeAtNextSignIn ? 'Yes, required' : 'No'],
        ['Password expires', expiryText(details.passwordExpiresAt, now)],
        ['Licenses', esc(licenses)],
      ]),
      ...(password.kind === 'pending'
        ? [
            { type: 'actions' as const, block_id: 'credential', elements: [button('Show password', ACTION.showPassword, 'primary', password.id)] },
            context('Roster stores this password encrypted until it is shown, then destroys it; it stores only a salted hash for sign-in.'),
          ]
        : []),
    ],
  };
}

function passwordSentence(password: PasswordState): string {
  switch (password.kind) {
    case 'pending':
      return `Press *Show password* to see the temporary password once, then pass it on in person or through a channel you trust. Unseen, it is destroyed ${slackDateTime(password.expiresAt)}.`;
    case 'viewed':
      return `:lock: The temporary password was shown to <@${password.viewedBy}> ${slackDateTime(password.viewedAt)} and then destroyed; Roster cannot show it again.`;
    case 'expired':
      return `:hourglass: The temporary password was not shown within 24 hours and was destroyed ${slackDateTime(password.expiredAt)}. If the user still needs it, reset their password to get a new one.`;
  }
}

/** The modal that shows a temporary password once (a modal is kept in no message history). */
export function revealedPasswordModal(details: NoticeDetails, password: string): View {
  return {
    type: 'modal',
    title: plain('Temporary password', 24),
    close: plain('Done', 24),
    blocks: [
      section(`*${esc(details.displayName)}*\n\`${esc(details.userPrincipalName)}\``),
      // Escaped so that a chosen password with `<`, `>` or `&` reads exactly as it was set.
      section(`*Temporary password*\n\`${esc(password)}\``),
      context('Copy it now: once this window is closed, Roster cannot show it again. It was destroyed the moment it was shown.'),
    ],
  };
}

/** Why a press of Show password shows nothing. */
export function passwordGoneModal(text: string): View {
  return { type: 'modal', title: plain('Temporary password', 24), close: plain('Close', 24), blocks: [section(text)] };
}

export const alreadyViewedText = (details: NoticeDetails, viewedBy: string, viewedAt: Date) =>
  `The temporary password of \`${esc(details.userPrincipalName)}\` was already shown to <@${viewedBy}> ${slackDateTime(viewedAt)} and then destroyed. If it was lost, reset the user's password to get a new one.`;

export const expiredText = (details: NoticeDetails, expiredAt: Date) =>
  `The temporary password of \`${esc(details.userPrincipalName)}\` was not shown within 24 hours and was destroyed ${slackDateTime(expiredAt)}. Reset the user's password to get a new one.`;
