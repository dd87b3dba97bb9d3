/**
 * Seeds a running Roster through Slack, like a workspace owner would: `/users setup` + the setup
 * modal, then `/licenses buy`; and opens the Add user form to get the view its submissions carry.
 */
import type { FakeSlack } from '../test/support/fake-slack-api.js';
import { type SlackClientSim, plainText } from '../test/support/slack-requests.js';

export const OWNER = 'U0BENCHOWNER';
export const SEATS = 100_000;

function describe(body: unknown): string {
  return JSON.stringify(body).slice(0, 400);
}

/** The modal the app opened with views.open after fake call index `after`. */
export async function openedView(fake: FakeSlack, after: number): Promise<Record<string, unknown>> {
  const call = await fake.waitFor('views.open', { after, timeoutMs: 5000 });
  if (!call.response.ok) throw new Error(`views.open failed: ${describe(call.response)}`);
  const id = String((call.response.view as { id: string }).id);
  const view = fake.viewRecord(id)?.view;
  if (!view) throw new Error(`the fake does not know view ${id}`);
  return view as unknown as Record<string, unknown>;
}

/** Owner sets up "Contoso" (contoso.onmicrosoft.com) and buys `seats` (default SEATS) × O365_BUSINESS_ESSENTIALS. */
export async function seedTenant(sim: SlackClientSim, fake: FakeSlack, seats = SEATS): Promise<void> {
  fake.seedUser({ id: OWNER, realName: 'Olivia Owner', firstName: 'Olivia', lastName: 'Owner', email: 'olivia@example.com', isOwner: true });
  const before = fake.calls().length;
  const setup = await sim.command('/users', 'setup', { userId: OWNER });
  if (setup.status !== 200) throw new Error(`/users setup answered HTTP ${setup.status}`);
  const modal = await openedView(fake, before);
  const submitted = await sim.viewSubmission(
    modal,
    {
      organizationName: { value: plainText('Contoso') },
      initialDomain: { value: plainText('contoso') },
      passwordExpiryDays: { value: plainText('90') },
    },
    { userId: OWNER },
  );
  if ((submitted.body as { response_action?: string }).response_action !== 'update') {
    throw new Error(`setup submission was not accepted: ${describe(submitted.body)}`);
  }
  // The ack only says "Setting up…": the organization is made after it, then the modal is updated.
  const modalId = String(modal.id);
  const done = await fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modalId && !JSON.stringify(c.args.view).includes('Setting up'), {
    after: before,
    timeoutMs: 30_000,
  });
  if (!done.response.ok) throw new Error(`setup did not finish: ${describe(done.response)}`);
  const bought = await sim.command('/licenses', `buy O365_BUSINESS_ESSENTIALS ${seats}`, { userId: OWNER });
  if (!describe(bought.body).includes('Bought')) throw new Error(`/licenses buy failed: ${describe(bought.body)}`);
}

/** Sends `/users add` once and returns the Add user modal the app opened. */
export async function addUserModal(sim: SlackClientSim, fake: FakeSlack): Promise<Record<string, unknown>> {
  const before = fake.calls().length;
  const res = await sim.command('/users', 'add', { userId: OWNER });
  if (res.status !== 200 || res.body !== '') throw new Error(`/users add did not ack with an empty 200: ${describe(res.body)}`);
  return openedView(fake, before);
}
