import type { View } from '@slack/types';
import type { SetupTenantResult } from '../../core/tenant/setup-tenant.js';
import { CALLBACK } from './ids.js';
import { context, esc, fields, plain, section, textInput } from './kit.js';

/** `/users setup`: the organization's name, initial domain and password expiry. */
export function setupModal(proposal: { organizationName: string; initialDomain: string }): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.setup,
    title: plain('Set up Roster', 24),
    submit: plain('Create organization', 24),
    close: plain('Cancel', 24),
    blocks: [
      section('Create the organization this workspace manages. You become its first *Global admin*.'),
      textInput('organizationName', "Organization's name", { optional: false, initial: proposal.organizationName, maxLength: 64 }),
      textInput('initialDomain', 'Initial domain', {
        optional: false,
        initial: proposal.initialDomain,
        maxLength: 48,
        hint: 'Letters and digits, then .onmicrosoft.com. It cannot be changed or removed later.',
      }),
      textInput('passwordExpiryDays', 'Passwords expire after (days)', {
        optional: false,
        initial: '90',
        maxLength: 3,
        hint: '0 means passwords never expire.',
      }),
    ],
  };
}

export function setupDoneView(result: SetupTenantResult): View {
  return {
    type: 'modal',
    title: plain('Roster is ready', 24),
    close: plain('Done', 24),
    blocks: [
      section(`:tada: *${esc(result.organizationName)}* is set up.`),
      ...fields([
        ['Initial domain', esc(result.initialDomain)],
        ['Your admin account', `\`${esc(result.admin.userPrincipalName)}\` (Global admin)`],
      ]),
      context('Your temporary password was sent to you as a DM. Next: `/licenses buy &lt;product&gt; &lt;quantity&gt;`, then `/users add`.'),
    ],
  };
}
