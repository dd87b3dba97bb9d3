import { addUser } from '../../../core/users/add-user.js';
import type { AddUserInput } from '../../../core/users/add-user-input.js';
import { sealAddUserDraft } from '../../../core/users/add-user-draft.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseAddUserForm } from '../../parse/add-user-form.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { addUserReviewView } from '../../views/add-user-review.js';

/** Slack keeps at most this many characters of a view's private_metadata. */
const PRIVATE_METADATA_MAX = 3000;

/**
 * The Add user form's submit: the core rehearses the creation (every rule it applies, seats and the
 * username included, rolled back), so mistakes go back onto their fields; otherwise the review
 * takes the form's place, carrying the answers sealed (core/users/add-user-draft.ts). Nothing is
 * created here: Finish on the review does that (add-user-review-listeners.ts).
 */
export function addUserSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: {
      title: 'Add a user',
      working: 'Checking the form… what will be created follows here.',
      refused: (problems) => `Nothing was added: ${problems} Open the form again with \`/users add\`.`,
    },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = parseAddUserForm(state);
      const rehearsal = await addUser(deps.core, actor, input, { dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'alias', message: rehearsal.message }], state, 'alias')) };
      const draft = sealAddUserDraft(deps.secretKey, input, actor, deps.core.now());
      if (draft.length > PRIVATE_METADATA_MAX)
        return { reply: fieldErrors(viewErrors([{ field: longestAnswer(input, state), message: TOO_MUCH }], state, 'alias')) };
      return { reply: showView(addUserReviewView(rehearsal.review, draft, actor.slackUserId, deps.core.now())) };
    },
  };
}

const TOO_MUCH =
  'The form holds more than Slack lets Roster carry to the review. Shorten this, or add it after the user is made (`/users edit`, or the licenses from the user list).';

/** The field that takes the most room: the longest text, or the products when their apps weigh more. */
function longestAnswer(input: AddUserInput, state: ViewState): string {
  const texts = Object.entries(input).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && state.has(entry[0]));
  const longest = texts.sort((a, b) => b[1].length - a[1].length)[0];
  const appsWeight = JSON.stringify(input.licenses ?? []).length;
  return longest && longest[1].length > appsWeight ? longest[0] : 'licenses';
}
