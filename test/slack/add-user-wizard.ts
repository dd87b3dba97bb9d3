/** Going through the Add user wizard in the Slack tests: the form, its review, Finish. */
import { expect } from 'vitest';
import { CALLBACK } from '../../src/slack/views/ids.js';
import type { RosterUnderTest } from '../support/roster-under-test.js';
import type { SimResponse, SlackClientSim } from '../support/slack-requests.js';

type Values = Parameters<SlackClientSim['viewSubmission']>[1];

/** Opens the Add user form with `/users add`; returns its view id. */
export async function openAddUserForm(r: RosterUnderTest, userId: string): Promise<string> {
  const before = r.fake.calls().length;
  await r.sim.command('/users', 'add', { userId });
  const opened = await r.fake.waitFor('views.open', { after: before });
  expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
  return (opened.response as unknown as { view: { id: string } }).view.id;
}

/** Submits the form (as it is now in the fake) with `values`: the ack, which is the review when the form is right. */
export async function submitForm(r: RosterUnderTest, viewId: string, values: Values, userId: string): Promise<SimResponse> {
  const res = await r.sim.viewSubmission(r.fake.viewRecord(viewId)!.view, values, { userId });
  expect(res.problems).toEqual([]);
  return res;
}

/** Presses Finish on the review shown in `viewId`: the ack (the result, or why not). */
export async function finish(r: RosterUnderTest, viewId: string, userId: string): Promise<SimResponse> {
  const review = r.fake.viewRecord(viewId)!.view;
  expect(review.callback_id).toBe(CALLBACK.addUserReview);
  const res = await r.sim.viewSubmission(review, {}, { userId });
  expect(res.problems).toEqual([]);
  return res;
}

/** Submits the form, expects its review, then Finish: the result's ack. */
export async function submitAndFinish(r: RosterUnderTest, viewId: string, values: Values, userId: string): Promise<SimResponse> {
  const review = await submitForm(r, viewId, values, userId);
  expect(review.body, JSON.stringify(review.body)).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUserReview } });
  return finish(r, viewId, userId);
}
