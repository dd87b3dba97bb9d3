import { describe, expect, it } from 'vitest';
import { validateView, validateMessageBlocks } from '../support/block-kit-validator.js';
import { addUserModal } from '../../src/slack/views/add-user-modal.js';
import { PRODUCTS } from '../../src/core/catalogue/catalogue.js';
import { licensesMessage } from '../../src/slack/views/licenses-message.js';
import { credentialNoticeMessage, revealedPasswordModal } from '../../src/slack/views/credential-notice.js';
import { setupModal } from '../../src/slack/views/setup-modal.js';
import { editManyModal } from '../../src/slack/views/edit-many-modal.js';

const biggest = [...PRODUCTS].sort((a, b) => b.plans.length - a.plans.length).slice(0, 20);
const licenses = biggest.map((product) => ({ product, total: 10, assigned: 3, available: 7 }));

describe('Block Kit builders stay within Slack limits', () => {
  it('the Add user form, with the 20 products that have the most apps', () => {
    const view = addUserModal(
      {
        domains: ['contoso.onmicrosoft.com', 'contoso.com'],
        initialDomain: 'contoso.onmicrosoft.com',
        licenses,
        canAssignRoles: true,
        canAssignLicenses: true,
        passwordExpiryDays: 90,
      },
      { customPassword: true },
    );
    expect(validateView(view, 'modal')).toEqual([]);
    const ids = (view.blocks as { block_id?: string }[]).map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual(
      expect.arrayContaining([
        'firstName',
        'lastName',
        'displayName',
        'alias',
        'domain',
        'password',
        'usageLocation',
        'licenses',
        'roles',
        'alternateEmail',
        'jobTitle',
      ]),
    );
  });

  it('the Edit many form says how many usernames its box holds, and where to go for more', () => {
    const view = editManyModal(licenses, []);
    expect(validateView(view, 'modal')).toEqual([]);
    const usernames = (view.blocks as { block_id?: string; hint?: { text: string }; element?: { max_length?: number } }[]).find(
      (block) => block.block_id === 'usernames',
    )!;
    // A plain_text_input holds 3,000 characters: about 100 usernames, not "no limit".
    expect(usernames.element?.max_length).toBe(3000);
    expect(usernames.hint?.text).toMatch(/at most 3,000 characters \(about 100 usernames\)/);
    expect(usernames.hint?.text).toMatch(/Edit selected/);
    expect(usernames.hint?.text).toMatch(/users edit-many --file/);
    expect(JSON.stringify(view)).not.toMatch(/no limit/i);
  });

  it('the Add user form of an admin who may not give roles or licenses', () => {
    const view = addUserModal({
      domains: ['contoso.onmicrosoft.com'],
      initialDomain: 'contoso.onmicrosoft.com',
      licenses: [],
      canAssignRoles: false,
      canAssignLicenses: false,
      passwordExpiryDays: 0,
    });
    expect(validateView(view, 'modal')).toEqual([]);
    expect(JSON.stringify(view)).not.toContain('"block_id":"roles"');
  });

  it('the licenses list with every product of the catalogue, the notice and the setup form', () => {
    const all = PRODUCTS.map((product) => ({ product, total: 1, assigned: 1, available: 0 }));
    expect(validateMessageBlocks(licensesMessage('Contoso', all).blocks)).toEqual([]);
    const details = {
      occasion: 'added' as const,
      displayName: 'A'.repeat(256),
      userPrincipalName: 'a@contoso.com',
      mustChangeAtNextSignIn: true,
      passwordExpiresAt: null,
      licenses: biggest.map((p) => p.displayName),
    };
    const now = new Date();
    for (const state of [
      { kind: 'pending' as const, id: '0b1c2d3e-0000-4000-8000-000000000000', expiresAt: now },
      { kind: 'viewed' as const, viewedBy: 'U1', viewedAt: now },
      { kind: 'expired' as const, expiredAt: now },
    ]) {
      expect(validateMessageBlocks(credentialNoticeMessage(details, 'U1', now, state).blocks)).toEqual([]);
    }
    expect(validateView(revealedPasswordModal(details, 'x'.repeat(256)), 'modal')).toEqual([]);
    expect(validateView(setupModal({ organizationName: 'Contoso', initialDomain: 'contoso.onmicrosoft.com' }), 'modal')).toEqual([]);
  });
});
