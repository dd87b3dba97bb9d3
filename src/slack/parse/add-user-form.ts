import type { AddUserInput } from '../../core/users/add-user-input.js';
import { PROFILE_FIELD_NAMES } from '../../core/rules/profile-fields.js';
import { type AddUserFormState, PASSWORD_CUSTOM, REQUIRE_CHANGE } from '../views/add-user-modal.js';
import type { ViewState } from './view-state.js';

/** The Add user modal's answers, as the core's input. No rules here: the core checks everything. */
export function parseAddUserForm(state: ViewState): AddUserInput {
  const profile = Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field, state.text(field)]));
  const custom = state.selected('passwordMode') === PASSWORD_CUSTOM;
  const chosen = new Set(state.selectedMany('licenses'));
  return {
    ...profile,
    displayName: state.text('displayName') ?? '',
    alias: state.text('alias') ?? '',
    domain: state.selected('domain') ?? '',
    password: custom ? { mode: 'custom', value: state.text('password') ?? '' } : { mode: 'auto' },
    requirePasswordChange: state.selectedMany('requirePasswordChange').includes(REQUIRE_CHANGE),
    credentialRecipients: state.users('credentialRecipients'),
    usageLocation: state.selected('usageLocation'),
    licenses: [...chosen].map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) })),
    roles: state.selectedMany('roles'),
    alternateEmail: state.text('alternateEmail'),
    slackUserId: state.user('slackUserId'),
    startDate: state.date('startDate'),
  } as AddUserInput;
}

/**
 * What the Add user form shows, read from its current state: the password mode and the products
 * chosen so far (the Password box and the "Apps to turn off" pickers depend on them).
 */
export function addUserFormState(state: ViewState): AddUserFormState {
  return { customPassword: state.selected('passwordMode') === PASSWORD_CUSTOM, chosenSkuIds: state.selectedMany('licenses') };
}
