import type { ImportSettings } from '../../core/bulk/index.js';
import { SIGN_IN_BLOCKED, SYNCED, UPLOAD_FIELD } from '../views/import-modals.js';
import { VALUE } from '../views/ids.js';
import type { ViewState } from './view-state.js';

/** The import settings form's answers, as the core's input. No rules here: the core checks them. */
export function parseImportSettingsForm(state: ViewState): ImportSettings {
  return {
    signInAllowed: state.selected('signInAllowed') !== SIGN_IN_BLOCKED,
    usageLocation: state.selected('usageLocation') ?? null,
    licenses: state.selectedMany('licenses').map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) })),
    whenSeatsRunOut: state.selected('whenSeatsRunOut') === 'create_unlicensed' ? 'create_unlicensed' : 'licensed_only',
    recipients: state.users('recipients'),
    ...(state.selectedMany('synced').includes(SYNCED) ? { synced: true } : {}),
  };
}

export interface UploadedFileRef {
  id: string;
  name?: string;
  filetype?: string;
}

/** The file picked in the `/users import` form (`file_input` puts the file objects under `files`). */
export function uploadedFile(values: unknown): UploadedFileRef | undefined {
  const state = (values as Record<string, Record<string, { files?: UploadedFileRef[] }>> | undefined)?.[UPLOAD_FIELD]?.[VALUE];
  const file = state?.files?.[0];
  return file && typeof file.id === 'string' ? file : undefined;
}
