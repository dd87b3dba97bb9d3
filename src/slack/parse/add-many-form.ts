import { formField, type FormImportInput } from '../../core/bulk/form-import.js';
import { NO_LICENSE, rowsOf } from '../views/add-many-modal.js';
import { SIGN_IN_BLOCKED } from '../views/import-modals.js';
import type { ViewState } from './view-state.js';

/** The Add several users form's answers, as the core's input (every row shown; the core skips empty ones). No rules here. */
export function parseAddManyForm(state: ViewState, privateMetadata: string | undefined): FormImportInput {
  const users = Array.from({ length: rowsOf(privateMetadata) }, (_, i) => {
    const n = i + 1;
    const skuId = state.selected(formField(n, 'license'));
    return {
      firstName: state.text(formField(n, 'firstName')) ?? '',
      lastName: state.text(formField(n, 'lastName')) ?? '',
      displayName: state.text(formField(n, 'displayName')) ?? '',
      username: state.text(formField(n, 'username')) ?? '',
      skuId: skuId && skuId !== NO_LICENSE ? skuId : null,
    };
  });
  return {
    users,
    domain: state.selected('domain') ?? '',
    usageLocation: state.selected('usageLocation') ?? null,
    signInAllowed: state.selected('signInAllowed') !== SIGN_IN_BLOCKED,
    recipients: state.users('recipients'),
  };
}
