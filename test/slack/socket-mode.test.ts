import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { startSlackApp, type RosterApp } from '../../src/slack/create-app.js';
import { buyLicensesModal } from '../../src/slack/views/buy-licenses-modal.js';
import { validateView } from '../support/block-kit-validator.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack-api.js';
import { buildViewState, commandPayload, plainText, viewSubmissionPayload, type StateValues } from '../support/slack-requests.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

/** Roster in Socket Mode: no HTTP port, every request arrives as an envelope on the fake's websocket. */
describe('Socket Mode', () => {
  let fake: FakeSlack;
  let db: TestDatabase;
  let app: RosterApp;
  const OWNER = 'U0OWNER';

  beforeAll(async () => {
    fake = await startFakeSlack();
    db = await createTestDatabase();
    await seedTenant(db.ctx, { teamId: fake.teamId, slackUserId: OWNER });
    // No SLACK_SIGNING_SECRET: Socket Mode does not use one.
    const loaded = loadEnv({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl, DATABASE_URL: db.url });
    if (!loaded.ok) throw new Error(loaded.message);
    app = await startSlackApp(db.runtime, loaded.env);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await fake?.close();
  });

  it('opens its connection with the app token and is connected (hello) when start resolves', () => {
    expect(app.port).toBeUndefined();
    const opens = fake.calls('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ token: fake.appToken, response: { ok: true } });
    expect(fake.socketMode.connectionCount).toBe(1);
  });

  it('acks a /users help slash command envelope with the help as the response payload', async () => {
    const payload = commandPayload({ teamId: fake.teamId }, { command: '/users', text: 'help', userId: OWNER });
    const envelope = await fake.socketMode.deliver('slash_commands', payload);
    expect(Object.keys(envelope).sort()).toEqual(['envelope_id', 'payload']);
    expect(envelope.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('`/users add`') });
    expect(fake.socketMode.problems).toEqual([]);
  });

  it('acks view submissions: field errors, then the updated modal, and refreshes the App Home after the ack', async () => {
    const view = { id: 'V0SOCKET01', team_id: fake.teamId, hash: '1.abc', ...buyLicensesModal() };
    const submit = (values: StateValues) =>
      fake.socketMode.deliver(
        'interactive',
        viewSubmissionPayload({ teamId: fake.teamId }, { userId: OWNER, view, values: buildViewState(view.blocks, values, { requireInputs: true }) }),
      );

    const bad = await submit({ product: { value: plainText('business basic') }, quantity: { value: plainText('ten') } });
    expect(bad.payload).toEqual({ response_action: 'errors', errors: { quantity: expect.stringMatching(/whole number/) } });

    const before = fake.calls().length;
    const good = await submit({ product: { value: plainText('business basic') }, quantity: { value: plainText('3') } });
    expect(good.payload).toMatchObject({ response_action: 'update' });
    expect(validateView((good.payload as { view: unknown }).view, 'modal')).toEqual([]);
    expect(JSON.stringify(good.payload)).toMatch(/Now 3 available of 3/);
    const published = await fake.waitFor('views.publish', { after: before });
    expect(published.args).toMatchObject({ user_id: OWNER });
    expect(fake.socketMode.problems).toEqual([]);
  });
});
