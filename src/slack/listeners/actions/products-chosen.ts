import type { BlockAction, ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import type { MemberActor } from '../../../core/context.js';
import { findImportJob } from '../../../core/bulk/import-job-records.js';
import { addUserOptions } from '../../../core/users/add-user-options.js';
import { editManyFormOptions } from '../../../core/users/edit-many-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { preselectedUsers } from '../../parse/user-change-forms.js';
import { ViewState, type ViewStateValues } from '../../parse/view-state.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';
import { editManyModal } from '../../views/edit-many-modal.js';
import { importSettingsModal } from '../../views/import-modals.js';
import { CALLBACK } from '../../views/ids.js';
import { addUserFormChanged } from './add-user-form-actions.js';

/**
 * Products chosen in a form's `licenses` picker (one registration serves every form that has it):
 * the form is rebuilt with an "Apps to turn off" picker for each chosen product. Add user has its
 * own rebuild (add-user-form-actions.ts); Edit many and the import settings are rebuilt here.
 */
export const productsChosen = (deps: ListenerDeps) => {
  const byForm: Record<string, (args: ActionArgs<BlockAction>) => ReturnType<ReturnType<typeof addUserFormChanged>>> = {
    [CALLBACK.editMany]: rebuild(deps, 'update the Edit users form', async (actor, view, chosen) => {
      const options = await editManyFormOptions(deps.core, actor);
      return options.ok ? editManyModal(options.licenses, preselectedUsers(view.private_metadata), chosen) : null;
    }),
    [CALLBACK.importSettings]: rebuild(deps, 'update the import settings', async (actor, view, chosen) => {
      const [options, job] = [await addUserOptions(deps.core, actor), await findImportJob(deps.core, view.private_metadata, actor.teamId)];
      return options.ok && job ? importSettingsModal(job.id, job.fileName, job.rowsReady, options.options, chosen) : null;
    }),
  };
  const addUser = addUserFormChanged(deps);
  return (args: ActionArgs<BlockAction>) => (byForm[args.body.view?.callback_id ?? ''] ?? addUser)(args);
};

/**
 * After the ack, the form as `build` makes it for the products now chosen (null: leave it). Slack
 * keeps what was typed in every input whose block id stays the same; what the form carries in
 * private_metadata is read back by `build`.
 */
const rebuild =
  (deps: ListenerDeps, what: string, build: (actor: MemberActor, view: ViewOutput, chosen: string[]) => Promise<View | null>) =>
  ({ body }: ActionArgs<BlockAction>) => {
    const view = body.view;
    if (!view) return {};
    const actor = actorFromBody(body);
    const chosen = new ViewState((view.state?.values ?? {}) as ViewStateValues).selectedMany('licenses');
    return {
      after: read(what, async () => {
        const form = await build(actor, view, chosen);
        if (!form) return;
        try {
          await deps.slack.updateView(view.id, form, view.hash);
        } catch (error) {
          // The form changed meanwhile (another choice was made): that newer update wins.
          if (slackErrorCode(error) !== 'hash_conflict') throw error;
        }
      }),
    };
  };
