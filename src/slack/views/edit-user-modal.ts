import type { KnownBlock, View } from '@slack/types';
import type { EditUserForm } from '../../core/users/edit-user-options.js';
import { PROFILE_FIELDS, PROFILE_FIELD_NAMES } from '../../core/rules/profile-fields.js';
import { USERNAME_LIMITS } from '../../core/rules/username.js';
import { ROLE_IDS, ROLES, roleLabels } from '../../core/roles.js';
import { usageLocationName } from '../../core/rules/usage-location.js';
import { CALLBACK, VALUE } from './ids.js';
import { context, esc, header, option, plain, textInput } from './kit.js';
import { productChoices } from './license-blocks.js';
import { usageLocationInput } from './usage-location.js';

export const SIGN_IN_ALLOWED = 'allowed';
export const SIGN_IN_BLOCKED = 'blocked';

/** The most "Apps to turn off" pickers the form shows (a modal holds 100 blocks; the rest uses about 30). */
const MAX_APP_PICKERS = 40;

const signInOption = (allowed: boolean) => option(allowed ? 'Allow the user to sign in' : 'Block sign-in', allowed ? SIGN_IN_ALLOWED : SIGN_IN_BLOCKED);

/**
 * The admin center's Edit user form as one modal: Details, Settings, Licenses and Username. Block
 * ids are the core's field names; sections this admin may not change are shown as text, not inputs
 * (so they are never sent back). The user id travels in private_metadata.
 */
export function editUserModal(form: EditUserForm): View {
  const { user, can } = form;
  const blocks: KnownBlock[] = [context(`Editing *${esc(user.displayName)}* (\`${esc(user.userPrincipalName)}\`). Only what you change is saved.`)];
  if (form.note) blocks.push(context(esc(form.note)));

  blocks.push(header('Details'));
  if (can.details) {
    for (const field of PROFILE_FIELD_NAMES) {
      const initial = field === 'displayName' ? user.displayName : user.profile[field];
      blocks.push(
        textInput(field, PROFILE_FIELDS[field].label, {
          maxLength: PROFILE_FIELDS[field].max,
          multiline: field === 'address',
          ...(initial ? { initial } : {}),
        }),
      );
    }
  } else blocks.push(context('You can’t change this user’s details.'));

  blocks.push(header('Settings'));
  if (can.details) {
    blocks.push({
      type: 'input',
      block_id: 'signIn',
      label: plain('Sign-in status'),
      hint: plain('Blocking can take up to about an hour to reach every device.'),
      element: {
        type: 'radio_buttons',
        action_id: VALUE,
        options: [signInOption(true), signInOption(false)],
        initial_option: signInOption(user.accountEnabled),
      },
    });
  } else blocks.push(context(`Sign-in: ${user.accountEnabled ? 'allowed' : 'blocked'}`));
  if (can.roles) {
    const roleOptions = ROLE_IDS.map((role) => option(ROLES[role], role));
    blocks.push({
      type: 'input',
      block_id: 'roles',
      optional: true,
      label: plain('Admin roles'),
      hint: plain('Admins need an alternate email address.'),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('User (no admin access)'),
        options: roleOptions,
        ...(form.roles.length ? { initial_options: roleOptions.filter((o) => form.roles.includes(o.value as never)) } : {}),
      },
    });
  } else blocks.push(context(`Roles: ${form.roles.length ? roleLabels(form.roles) : 'User (no admin access)'}`));
  if (can.details)
    blocks.push(textInput('alternateEmail', 'Alternate email address', { maxLength: 254, ...(user.alternateEmail ? { initial: user.alternateEmail } : {}) }));
  blocks.push(...managerBlocks(form));

  blocks.push(header('Licenses'));
  if (can.usageLocation) blocks.push(usageLocationInput('usageLocation', 'Needed to assign a license.', user.usageLocation ?? undefined));
  else blocks.push(context(`Usage location: ${user.usageLocation ? `${usageLocationName(user.usageLocation)} (${user.usageLocation})` : 'not set'}`));
  blocks.push(...licenseBlocks(form));

  blocks.push(header('Username'));
  if (can.details) {
    blocks.push(textInput('alias', 'Username', { optional: false, maxLength: USERNAME_LIMITS.alias, initial: user.alias }));
    const domains = form.domains.includes(user.domain) ? form.domains : [user.domain, ...form.domains];
    blocks.push({
      type: 'input',
      block_id: 'domain',
      label: plain('Domain'),
      element: {
        type: 'static_select',
        action_id: VALUE,
        options: domains.slice(0, 100).map((d) => option(`@${d}`, d)),
        initial_option: option(`@${user.domain}`, user.domain),
      },
    });
  } else blocks.push(context(`Username: \`${esc(user.userPrincipalName)}\``));

  return {
    type: 'modal',
    callback_id: CALLBACK.editUser,
    private_metadata: user.id,
    title: plain('Edit user', 24),
    submit: plain('Save changes', 24),
    close: plain('Cancel', 24),
    blocks: blocks.slice(0, 100),
  };
}

/** The value of the Manager picker's first option, which removes the manager. */
export const NO_MANAGER = '-';

/** The person they report to: Roster's users, searched as they type (listeners/options/manager-options.ts). */
function managerBlocks(form: EditUserForm): KnownBlock[] {
  const { manager } = form;
  const shown = manager ? `${manager.displayName} (${manager.userPrincipalName})${manager.deleted ? ', deleted' : ''}` : null;
  if (!form.can.details) return [context(`Manager: ${shown ? esc(shown) : 'none'}`)];
  // A deleted manager is named, not offered: saving keeps them only if the picker is left alone.
  const initial = manager && !manager.deleted ? option(shown!, manager.id) : null;
  return [
    {
      type: 'input',
      block_id: 'manager',
      optional: true,
      label: plain('Manager'),
      hint: plain(
        manager?.deleted ? `${shown}. Type a name to choose another, or choose “No manager”.` : 'Type a name or username; “No manager” removes it.',
        150,
      ),
      element: {
        type: 'external_select',
        action_id: VALUE,
        min_query_length: 0,
        placeholder: plain('No manager'),
        ...(initial ? { initial_option: initial } : {}),
      },
    },
  ];
}

function licenseBlocks(form: EditUserForm): KnownBlock[] {
  const heldSkus = form.licenses.map((l) => l.skuId);
  if (!form.can.licenses)
    return [
      context(
        `Licenses: ${heldSkus.length ? heldSkus.map((s) => esc(form.products.find((p) => p.product.skuId === s)?.product.displayName ?? s)).join(', ') : 'none'}`,
      ),
    ];
  if (form.products.length === 0) return [context('The organization has no licenses yet. Buy some with `/licenses buy`.')];
  const choices = productChoices(form.products);
  const offered = 'options' in choices ? choices.options : choices.option_groups.flatMap((g) => g.options);
  const initial = offered.filter((o) => heldSkus.includes(o.value ?? ''));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'licenses',
      optional: true,
      label: plain('Products'),
      hint: plain('Turn a product off by removing it; its seat is freed.'),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('No product license'),
        ...choices,
        ...(initial.length ? { initial_options: initial } : {}),
      },
    },
  ];
  // Held products first, so their apps are always shown.
  const ordered = [...form.products].sort((a, b) => Number(heldSkus.includes(b.product.skuId)) - Number(heldSkus.includes(a.product.skuId)));
  for (const license of ordered.filter((l) => l.product.plans.length >= 2).slice(0, MAX_APP_PICKERS)) {
    const options = license.product.plans.slice(0, 100).map((plan) => option(plan.displayName, plan.id));
    const off = form.licenses.find((l) => l.skuId === license.product.skuId)?.disabledPlans ?? [];
    const initialOff = options.filter((o) => off.includes(o.value ?? ''));
    blocks.push({
      type: 'input',
      block_id: `apps:${license.product.skuId}`,
      optional: true,
      label: plain(`Apps to turn off: ${license.product.displayName}`, 2000),
      hint: plain('Applies when this product is chosen above.'),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('All apps on'),
        options,
        ...(initialOff.length ? { initial_options: initialOff } : {}),
      },
    });
  }
  return blocks;
}
