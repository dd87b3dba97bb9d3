/**
 * Request bodies exactly as Slack sends them, built once with the test support's payload factories,
 * with one placeholder the load generator fills per request (a trigger id, or a username).
 */
import {
  type StateValues,
  type WorkspaceIdentity,
  buildViewState,
  commandPayload,
  randomTriggerId,
  viewSubmissionPayload,
} from '../test/support/slack-requests.js';
import type { BodyTemplate } from './load.js';

const FORM = 'application/x-www-form-urlencoded';
export const TRIGGER_PLACEHOLDER = 'zzBENCHTRIGGERzz';
export const ALIAS_PLACEHOLDER = 'zzBENCHALIASzz';

/** A slash command (form-encoded); with `triggerIds`, each request carries the next one. */
export function commandBody(
  identity: WorkspaceIdentity,
  o: { command: string; text: string; userId: string; responseUrl: string; triggerIds?: string[] },
): BodyTemplate {
  const fields = commandPayload(identity, {
    command: o.command,
    text: o.text,
    userId: o.userId,
    responseUrl: o.responseUrl,
    triggerId: o.triggerIds ? TRIGGER_PLACEHOLDER : randomTriggerId(),
  });
  const template = new URLSearchParams(fields).toString();
  return o.triggerIds ? { contentType: FORM, template, placeholder: TRIGGER_PLACEHOLDER, values: o.triggerIds } : { contentType: FORM, template };
}

/**
 * A view_submission of `view` (as the fake stores it: id, hash, blocks) with `values`, built into
 * Slack's `state.values` by buildViewState (which checks them against the view like Slack's client).
 * `values` may hold ALIAS_PLACEHOLDER once (in a plain_text_input); each request gets
 * `aliasPrefix + i` instead, i.e. a new username.
 */
export function viewSubmissionBody(
  identity: WorkspaceIdentity,
  o: { view: Record<string, unknown>; values: StateValues; userId: string; aliasPrefix: string },
): BodyTemplate {
  const state = buildViewState(o.view.blocks, o.values, { requireInputs: true });
  const payload = viewSubmissionPayload(identity, { userId: o.userId, view: o.view, values: state, triggerId: randomTriggerId() });
  const template = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { contentType: FORM, template, placeholder: ALIAS_PLACEHOLDER, counterPrefix: o.aliasPrefix };
}

export const DRAFT_PLACEHOLDER = 'zzBENCHDRAFTzz';

/**
 * Finish on the Add user review (`review` as the fake stores it): each request carries the next of
 * `drafts`, the form's answers sealed as Roster seals them (one username each), in private_metadata.
 */
export function finishBody(identity: WorkspaceIdentity, o: { review: Record<string, unknown>; userId: string; drafts: string[] }): BodyTemplate {
  const view = { ...o.review, private_metadata: DRAFT_PLACEHOLDER };
  const payload = viewSubmissionPayload(identity, { userId: o.userId, view, values: {}, triggerId: randomTriggerId() });
  const template = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { contentType: FORM, template, placeholder: DRAFT_PLACEHOLDER, values: o.drafts };
}
