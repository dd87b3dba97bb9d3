import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { saveCustomView } from '../../../core/views/save-custom-view.js';
import { CHECKBOX_CONDITIONS, TEXT_CONDITIONS } from '../../../core/views/view-conditions.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** The custom view form submitted: saved, or its problems shown on their fields. */
export function customViewSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const state = new ViewState(view.state.values as ViewStateValues);
    const ticked = new Set(state.selectedMany('conditions'));
    const conditions = {
      domain: state.selected('domain'),
      signIn: state.selected('signIn'),
      usageLocation: state.selected('usageLocation'),
      skuId: state.selected('skuId'),
      ...Object.fromEntries(TEXT_CONDITIONS.map((name) => [name, state.text(name)])),
      ...Object.fromEntries(CHECKBOX_CONDITIONS.map((name) => [name, ticked.has(name) || undefined])),
    };
    const id = view.private_metadata || undefined;
    const result = await saveCustomView(deps.core, actor, { ...(id ? { id } : {}), name: state.text('name') ?? '', conditions });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'name', message: result.message }], state, 'name') });
      return;
    }
    await ack({
      response_action: 'update',
      view: messageModal('Custom views', esc(`${result.created ? 'Made' : 'Saved'} the view "${result.name}". Open it with \`/users list ${result.name}\`.`)),
    });
  };
}
