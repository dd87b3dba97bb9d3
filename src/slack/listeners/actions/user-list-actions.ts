import type { BlockAction, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import type { MemberActor } from '../../../core/context.js';
import { customViewForEdit, customViewFormOptions, listCustomViews } from '../../../core/views/custom-view-admin.js';
import { listUsers } from '../../../core/views/list-users.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read, type Plan } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { exportViewToDm } from '../../services/export-to-dm.js';
import type { Blocks } from '../../slack-port.js';
import { customViewModal, customViewsMessage, deleteViewModal } from '../../views/custom-views.js';
import { esc, textMessage } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';
import { userListMessage } from '../../views/user-list.js';

type Args = ActionArgs<BlockAction>;

/** The value of the clicked button, or of the option chosen in a menu. */
function chosen(body: BlockAction): string {
  const action = body.actions[0] as { value?: string; selected_option?: { value: string } | null } | undefined;
  return action?.selected_option?.value ?? action?.value ?? '';
}

const pageRef = z.object({ view: z.string(), after: z.tuple([z.string(), z.string()]).optional(), before: z.tuple([z.string(), z.string()]).optional() });

/**
 * Shows a message where the action came from: in place of that message (its response_url) when
 * `replace`, else as a new one there; from the App Home (no message), as a DM.
 */
async function show(
  deps: ListenerDeps,
  actor: MemberActor,
  respond: RespondFn | undefined,
  message: { text: string; blocks?: Blocks },
  replace: boolean,
): Promise<void> {
  if (respond)
    await respond({ response_type: 'ephemeral', replace_original: replace, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
  else await deps.slack.dm(actor.slackUserId, message);
}

async function showPage(
  deps: ListenerDeps,
  actor: MemberActor,
  respond: RespondFn | undefined,
  input: Parameters<typeof listUsers>[2],
  replace: boolean,
): Promise<void> {
  const result = await listUsers(deps.core, actor, input);
  await show(deps, actor, respond, result.ok ? userListMessage(result) : textMessage(result.message), replace && result.ok);
}

/** A view picked in the list's menu: its first page, in place. */
export const listViewChosen =
  (deps: ListenerDeps) =>
  ({ body, respond }: Args) => {
    const actor = actorFromBody(body);
    return { after: read('show the view', () => showPage(deps, actor, respond, { view: chosen(body) }, true)) };
  };

/** Previous / Next: the page before the first row or after the last one shown (keyset), in place. */
export const listPageChosen =
  (deps: ListenerDeps) =>
  ({ body, respond }: Args) => {
    const actor = actorFromBody(body);
    let ref: z.infer<typeof pageRef>;
    try {
      ref = pageRef.parse(JSON.parse(chosen(body)));
    } catch {
      return {};
    }
    const cursor = (c: [string, string] | undefined) => (c ? { displayName: c[0], id: c[1] } : undefined);
    const after = cursor(ref.after);
    const before = cursor(ref.before);
    const page = { view: ref.view, ...(after ? { after } : {}), ...(before ? { before } : {}) };
    return { after: read('show the page', () => showPage(deps, actor, respond, page, true)) };
  };

/** A saved view's button (App Home, `/users views`): its first page, as a new message or a DM. */
export const openViewAction =
  (deps: ListenerDeps) =>
  ({ body, respond }: Args) => {
    const actor = actorFromBody(body);
    return { after: read('open the view', () => showPage(deps, actor, body.response_url ? respond : undefined, { view: chosen(body) }, false)) };
  };

/** Export on a list: the CSV comes as a DM (a read, handed to the export service in one call). */
export const exportAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    return { after: read('export the view', () => exportViewToDm(deps, actor, chosen(body))) };
  };

/** "Custom views" on a list: the views, as a new message. */
export const openViewsAction =
  (deps: ListenerDeps) =>
  ({ body, respond }: Args) => {
    const actor = actorFromBody(body);
    return {
      after: read('list the views', async () => {
        const result = await listCustomViews(deps.core, actor);
        await show(
          deps,
          actor,
          body.response_url ? respond : undefined,
          result.ok ? customViewsMessage(result.organizationName, result.views, result.canManage) : textMessage(result.message),
          false,
        );
      }),
    };
  };

async function openForm(deps: ListenerDeps, actor: MemberActor, triggerId: string, viewId?: string): Promise<void> {
  const form = await customViewFormOptions(deps.core, actor);
  if (!form.ok) {
    await deps.slack.openView(triggerId, messageModal('Custom views', esc(form.message)));
    return;
  }
  if (!viewId) {
    await deps.slack.openView(triggerId, customViewModal(form));
    return;
  }
  const existing = await customViewForEdit(deps.core, actor, viewId);
  await deps.slack.openView(triggerId, existing.ok ? customViewModal(form, existing.view) : messageModal('Custom views', esc(existing.message)));
}

export const newViewAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    return { after: read('open the view form', () => openForm(deps, actor, body.trigger_id)) };
  };

/** A custom view's menu in `/users views`: Open, Edit (the form) or Delete (asks first). */
export const customViewMenu =
  (deps: ListenerDeps) =>
  ({ body, respond }: Args): Plan<never> => {
    const actor = actorFromBody(body);
    const [what = '', id = ''] = chosen(body).split(':');
    const where = body.response_url ? respond : undefined;
    if (what === 'open') return { after: read('open the view', () => showPage(deps, actor, where, { view: `cv:${id}` }, false)) };
    if (what === 'edit') return { after: read('edit the view', () => openForm(deps, actor, body.trigger_id, id)) };
    if (what !== 'delete') return {};
    // A shared view is deleted only once confirmed (views/delete-view-submission.ts).
    return {
      after: read('ask before deleting the view', async () => {
        const existing = await customViewForEdit(deps.core, actor, id);
        await deps.slack.openView(
          body.trigger_id,
          existing.ok ? deleteViewModal(existing.view, body.response_url) : messageModal('Custom views', esc(existing.message)),
        );
      }),
    };
  };
