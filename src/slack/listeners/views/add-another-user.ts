import { addUserOptions } from '../../../core/users/add-user-options.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { showView, type ViewListener } from '../../services/answering.js';
import { addUserModal } from '../../views/add-user-modal.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

/** "Add another user" on the result of Add user: a fresh form in its place (the shown password goes with the result). */
export function addAnotherUserSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Add user', working: 'Opening a new form…' },
    async plan({ body }) {
      const options = await addUserOptions(deps.core, actorFromBody(body));
      return { reply: showView(options.ok ? addUserModal(options.options) : messageModal('Add user', esc(options.message))) };
    },
  };
}
