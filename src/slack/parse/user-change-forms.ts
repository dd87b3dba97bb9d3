import type { EditManyInput } from '../../core/users/edit-many.js';
import { parseUsernameList } from '../../core/users/edit-many.js';
import type { EditUserInput } from '../../core/users/edit-user-input.js';
import type { ResetPasswordInput } from '../../core/users/reset-password.js';
import { PROFILE_FIELD_NAMES } from '../../core/rules/profile-fields.js';
import { NO_MANAGER, SIGN_IN_BLOCKED } from '../views/edit-user-modal.js';
import { EDIT_MANY_FIELDS, LICENSE_MODE, NO_CHANGE } from '../views/edit-many-modal.js';
import { PASSWORD_CUSTOM, REQUIRE_CHANGE } from '../views/add-user-modal.js';
import type { ViewState } from './view-state.js';

/** The Edit user form's answers as the core's input: only the sections the form showed as inputs. */
export function parseEditUserForm(state: ViewState): EditUserInput {
  const input: EditUserInput = {};
  if (state.has('displayName')) {
    input.details = {
      ...Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field, state.text(field) ?? ''])),
      displayName: state.text('displayName') ?? '',
    };
  }
  if (state.has('signIn') || state.has('roles') || state.has('alternateEmail')) {
    input.settings = {
      ...(state.has('signIn') ? { signInAllowed: state.selected('signIn') !== SIGN_IN_BLOCKED } : {}),
      ...(state.has('roles') ? { roles: state.selectedMany('roles') } : {}),
      ...(state.has('alternateEmail') ? { alternateEmail: state.text('alternateEmail') ?? null } : {}),
    };
  }
  if (state.has('usageLocation')) input.usageLocation = state.selected('usageLocation') ?? null;
  if (state.has('licenses')) input.licenses = state.selectedMany('licenses').map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) }));
  if (state.has('alias')) input.username = { alias: state.text('alias') ?? '', domain: state.selected('domain') ?? '' };
  if (state.has('manager')) {
    const manager = state.selected('manager');
    // Left empty: unchanged (a deleted manager, not offered, stays named); "No manager" removes it.
    if (manager === NO_MANAGER) input.manager = null;
    else if (manager) input.manager = { userId: manager };
  }
  return input;
}

export function parseResetPasswordForm(state: ViewState): ResetPasswordInput {
  const custom = state.selected('passwordMode') === PASSWORD_CUSTOM;
  return {
    password: custom ? { mode: 'custom', value: state.text('password') ?? '' } : { mode: 'auto' },
    requirePasswordChange: state.selectedMany('requirePasswordChange').includes(REQUIRE_CHANGE),
    credentialRecipients: state.users('credentialRecipients'),
  };
}

/** The users a list's "Edit selected" carried into the Edit many form (its private_metadata). */
export const preselectedUsers = (privateMetadata: string | undefined): string[] => (privateMetadata ? privateMetadata.split(',').filter(Boolean) : []);

/** Edit many's Manager picker: empty keeps each user's own, "No manager" removes them, a user sets them. */
function managerChoice(picked: string | undefined): Pick<EditManyInput, 'manager'> {
  if (!picked) return {};
  return { manager: picked === NO_MANAGER ? null : { userId: picked } };
}

/** The Edit many form: users picked three ways (pasted, picker, the list's selection in private_metadata). */
export function parseEditManyForm(state: ViewState, preselected: readonly string[]): EditManyInput {
  const signIn = state.selected('signIn');
  const mode = state.selected('licenseMode') ?? LICENSE_MODE.keep;
  // Each chosen product with the apps its picker turns off (the core's edit many passes them to every user it gives the product).
  const products = state.selectedMany('licenses').map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) }));
  return {
    usernames: parseUsernameList(state.text('usernames') ?? ''),
    userIds: [...preselected, ...state.selectedMany('users')],
    detailsPatch: Object.fromEntries(EDIT_MANY_FIELDS.map((field) => [field, state.text(field)]).filter(([, value]) => value)),
    ...(signIn && signIn !== NO_CHANGE ? { signInAllowed: signIn !== SIGN_IN_BLOCKED } : {}),
    ...(state.selected('usageLocation') ? { usageLocation: state.selected('usageLocation') } : {}),
    ...managerChoice(state.selected('manager')),
    licenses: mode === LICENSE_MODE.replace ? { mode: 'replace', products } : mode === LICENSE_MODE.add ? { mode: 'add', products } : { mode: 'keep' },
  };
}
