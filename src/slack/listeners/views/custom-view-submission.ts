import { saveCustomView } from '../../../core/views/save-custom-view.js';
import { CHECKBOX_CONDITIONS, TEXT_CONDITIONS } from '../../../core/views/view-conditions.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const TITLE = 'Custom views';

/** The custom view form submitted: a rehearsal of the save puts problems on their fields, or acks; the save follows. */
export function customViewSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Saving the view…' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const ticked = new Set(state.selectedMany('conditions'));
      const conditions = {
        domain: state.selected('domain'),
        signIn: state.selected('signIn'),
        usageLocation: state.selected('usageLocation'),
        skuId: state.selected('skuId'),
        ...Object.fromEntries(TEXT_CONDITIONS.map((name) => [name, state.selected(name) ?? state.text(name)])),
        manager: state.text('manager'),
        ...Object.fromEntries(CHECKBOX_CONDITIONS.map((name) => [name, ticked.has(name) || undefined])),
      };
      const id = view.private_metadata || undefined;
      const input = { ...(id ? { id } : {}), name: state.text('name') ?? '', conditions };
      const rehearsal = await saveCustomView(deps.core, actor, input, { dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'name', message: rehearsal.message }], state, 'name')) };
      const saved = `${rehearsal.created ? 'Made' : 'Saved'} the view "${rehearsal.name}". Open it with \`/users list ${rehearsal.name}\`.`;
      return {
        reply: showView(messageModal(TITLE, esc(saved))),
        after: change('save the view', async () => {
          const result = await saveCustomView(deps.core, actor, input);
          if (!result.ok) await deps.slack.updateView(view.id, messageModal(TITLE, esc(`The view was not saved: ${result.message}`)));
        }),
      };
    },
  };
}
