import type { KnownBlock, View } from '@slack/types';
import type { DomainRecord } from '../../store/organizations.js';
import type { Blocks } from '../slack-port.js';
import { CALLBACK, ACTION } from './ids.js';
import { button, context, destructiveButton, esc, header, plain, section, textInput } from './kit.js';

/** Where a connected organization's domains are added, verified and removed. */
const CONNECTED_DOMAINS =
  'These are the Microsoft 365 tenant’s domains: add, verify and remove them in the Microsoft 365 admin center (Settings → Domains); they show here after the next sync (`/users sync`).';

function state(domain: DomainRecord): string {
  if (domain.isInitial) return `Initial domain${domain.isDefault ? ' · Default' : ''}`;
  if (!domain.verified)
    return `Not verified: at your DNS host, add a TXT record for *${esc(domain.name)}* with the value \`${esc(domain.verificationCode ?? '')}\`, then press *Verify*.`;
  return `Verified${domain.isDefault ? ' · Default (offered first for new users)' : ''}`;
}

/** `/users domains`: each domain with its state and, for Global admins, Verify, Make default and Remove; Add domain. */
export function domainsMessage(
  organizationName: string,
  domains: readonly DomainRecord[],
  canManage: boolean,
  connected = false,
): { text: string; blocks: Blocks } {
  const blocks: KnownBlock[] = [header(`Domains: ${organizationName}`.slice(0, 150))];
  for (const [index, domain] of domains.slice(0, 40).entries()) {
    blocks.push({ type: 'section', block_id: `domain_${index}`, text: { type: 'mrkdwn', text: `*${esc(domain.name)}*\n${state(domain)}` } });
    if (!canManage) continue;
    const buttons = [
      ...(!domain.verified ? [button('Verify', ACTION.verifyDomain, 'primary', domain.name)] : []),
      ...(domain.verified && !domain.isDefault ? [button('Make default', ACTION.defaultDomain, undefined, domain.name)] : []),
      ...(!domain.isInitial && !domain.isDefault
        ? [
            destructiveButton('Remove', ACTION.removeDomain, domain.name, {
              title: 'Remove the domain?',
              text: `${domain.name} goes from the organization. Roster refuses while any user has a username on it.`,
              confirm: 'Remove',
            }),
          ]
        : []),
    ];
    if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `domain_actions_${index}`, elements: buttons });
  }
  if (canManage) blocks.push({ type: 'actions', block_id: 'domains_add', elements: [button('Add domain', ACTION.addDomain, 'primary')] });
  else blocks.push(context(connected ? CONNECTED_DOMAINS : 'Global admins add, verify and remove domains.'));
  return { text: esc(`${domains.length} domains of ${organizationName}`), blocks: blocks.slice(0, 50) };
}

/** The Add domain form: one field; its problems are shown on it. */
export function addDomainModal(responseUrl?: string): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.addDomain,
    private_metadata: responseUrl ?? '',
    title: plain('Add domain', 24),
    submit: plain('Add', 24),
    close: plain('Cancel', 24),
    blocks: [
      textInput('domain', 'Domain', { placeholder: 'contoso.com', maxLength: 60, hint: 'Roster then shows the TXT record that proves you own it.' }),
      section(
        "In Roster's own directory, *Verify* is your confirmation that the TXT record is in place; on a connected Microsoft 365 tenant the domains come from the tenant.",
      ),
    ],
  };
}
