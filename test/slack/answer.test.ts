import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ListenerDeps, SlackAppDeps } from '../../src/slack/deps.js';
import { oneTokenPorts } from '../../src/slack/slack-ports.js';
import { change, read, SLACK_ACK_LIMIT_MS, type Plan } from '../../src/slack/services/answer.js';
import { answering, showView, type CommandReply, type ViewListener, type ViewReply } from '../../src/slack/services/answering.js';
import type { SlackPort } from '../../src/slack/slack-port.js';
import { messageModal } from '../../src/slack/views/message-modal.js';

/** One answer, driven by hand: what was acked, what was said to Slack afterwards, in order. */
function harness(ackBudgetMs: number) {
  const events: string[] = [];
  const sent: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      events.push(method);
      sent.push({ method, args });
      return { channel: 'D1', ts: '1' };
    };
  const slack = { dm: record('dm'), updateView: record('updateView') } as unknown as SlackPort;
  const logs: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  const deps = { slack, ackBudgetMs, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } } as unknown as ListenerDeps;
  const app = { command: () => undefined, view: () => undefined } as unknown as App;
  // The registrar gives each listener its workspace's deps: here the one port, whatever the team.
  const registrar = answering(app, { ...deps, ports: oneTokenPorts(slack) } as unknown as SlackAppDeps);
  const on = {
    registrations: registrar.registrations,
    view: (callbackId: string, listener: ViewListener) => registrar.view(callbackId, () => listener),
    command: (name: string, plan: Parameters<typeof registrar.command>[1] extends (deps: never) => infer P ? P : never) => registrar.command(name, () => plan),
  };
  // Each registration's own listener, as Bolt (or the registrar's router) calls it.
  const listeners = {
    get: (key: string) => on.registrations.find((r) => `${r.kind}:${String(r.constraint)}` === key)?.listener as ((args: object) => Promise<void>) | undefined,
  };
  return { events, sent, logs, deps, on, listeners };
}

/** A promise the test settles, and a way to settle it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const FORM = { id: 'V1', state: { values: {} }, private_metadata: '' };
const submission = (ack: (body?: unknown) => Promise<void>) => ({ ack, body: { user: { id: 'U1' } }, view: FORM });
const DONE_VIEW = messageModal('Restore user', 'Restored.');

describe('answer: the one way a listener acknowledges', () => {
  afterEach(() => vi.useRealTimers());

  it('a plan ready within the budget: the ack carries its reply, then the work runs', async () => {
    const h = harness(2000);
    h.on.view('form', {
      look: { title: 'Restore user', working: 'Restoring…' },
      plan: () => ({ reply: showView(DONE_VIEW), after: change('restore the user', async () => void h.events.push('work')) }),
    });
    const acked: unknown[] = [];
    await h.listeners.get('view:form')!(
      submission(async (body) => {
        acked.push(body);
        h.events.push('ack');
      }),
    );
    expect(acked).toEqual([{ response_action: 'update', view: DONE_VIEW }]);
    expect(h.events).toEqual(['ack', 'work']);
  });

  it('a plan past the budget: "working…" is acked, the modal then shows the reply (views.update), then the work runs', async () => {
    const h = harness(5);
    const acking = gate();
    h.on.view('form', {
      look: { title: 'Restore user', working: 'Restoring…' },
      plan: async (): Promise<Plan<ViewReply>> => {
        await acking.opened; // ready only once the ack has gone: deterministically late
        return { reply: showView(DONE_VIEW), after: change('restore the user', async () => void h.events.push('work')) };
      },
    });
    const acked: unknown[] = [];
    await h.listeners.get('view:form')!(
      submission(async (body) => {
        acked.push(body);
        h.events.push('ack');
        acking.open();
      }),
    );
    expect(acked).toEqual([{ response_action: 'update', view: messageModal('Restore user', 'Restoring…') }]);
    expect(h.events).toEqual(['ack', 'updateView', 'work']);
    expect(h.sent[0]!.args).toEqual(['V1', DONE_VIEW]);
  });

  it('a late refusal shows its problems in the modal, since the form can no longer show them on its fields', async () => {
    const h = harness(0);
    h.on.view('form', {
      look: { title: 'Add a user', working: 'Adding…', refused: (problems) => `Nothing was added: ${problems}` },
      plan: () => ({ reply: { response_action: 'errors', errors: { alias: 'ana@contoso.com is <taken>.' } } }),
    });
    await h.listeners.get('view:form')!(submission(async () => undefined));
    expect(h.sent).toEqual([{ method: 'updateView', args: ['V1', messageModal('Add a user', 'Nothing was added: ana@contoso.com is &lt;taken&gt;.')] }]);
  });

  it('a command past the budget: "Working on it…" is acked, the answer then comes through its response_url', async () => {
    const h = harness(0);
    const said: unknown[] = [];
    const reply: CommandReply = { response_type: 'ephemeral', text: '3 users' };
    h.on.command('/users', () => ({ reply }));
    const acked: unknown[] = [];
    await h.listeners.get('command:/users')!({
      ack: async (body?: unknown) => void acked.push(body),
      command: { command: '/users', user_id: 'U1', response_url: 'https://hooks.slack.test/1' },
      respond: async (message: unknown) => void said.push(message),
    });
    expect(acked).toEqual([{ response_type: 'ephemeral', text: 'Working on it… the answer follows here in a moment.' }]);
    expect(said).toEqual([{ response_type: 'ephemeral', text: '3 users' }]);
  });

  it('an ack that fails (Bolt answered 404 at 3 s): the change is not made, and the person is told to try again', async () => {
    const h = harness(2000);
    let made = false;
    h.on.view('form', { look: { title: 'Restore user', working: '…' }, plan: () => ({ after: change('restore the user', async () => void (made = true)) }) });
    await h.listeners.get('view:form')!(
      submission(async () => {
        throw new Error('Cannot write headers after they are sent to the client');
      }),
    );
    expect(made).toBe(false);
    expect(h.sent).toEqual([
      {
        method: 'dm',
        args: ['U1', { text: "Slack did not get Roster's answer in time, so Roster did not restore the user: nothing was changed. Try again." }],
      },
    ]);
  });

  it('an ack sent over 3 s after the request arrived (Socket Mode never throws): the change is not made either', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const h = harness(2000);
    let made = false;
    h.on.view('form', { look: { title: 'Restore user', working: '…' }, plan: () => ({ after: change('restore the user', async () => void (made = true)) }) });
    await h.listeners.get('view:form')!(submission(async () => void vi.advanceTimersByTime(SLACK_ACK_LIMIT_MS + 1)));
    expect(made).toBe(false);
    expect(h.events).toEqual(['dm']);
  });

  it('a read still answers another way when its ack failed: the reply by views.update, then the read itself', async () => {
    const h = harness(2000);
    h.on.view('form', {
      look: { title: 'Users', working: '…' },
      plan: () => ({ reply: showView(DONE_VIEW), after: read('list the users', async () => void h.events.push('read')) }),
    });
    await h.listeners.get('view:form')!(
      submission(async () => {
        throw new Error('Cannot write headers after they are sent to the client');
      }),
    );
    expect(h.events).toEqual(['updateView', 'read']);
  });

  it('a plan that throws is still acked ("working…"), and the person gets a DM with a reference', async () => {
    const h = harness(2000);
    h.on.view('form', {
      look: { title: 'Restore user', working: 'Restoring…' },
      plan: () => {
        throw new Error('disk I/O error');
      },
    });
    const acked: unknown[] = [];
    await h.listeners.get('view:form')!(submission(async (body) => void acked.push(body)));
    expect(acked).toEqual([{ response_action: 'update', view: messageModal('Restore user', 'Restoring…') }]);
    expect(String((h.sent[0]!.args[1] as { text: string }).text)).toMatch(/^Sorry, Roster could not submit the Restore user form \(reference [0-9a-f]{8}\)/);
    expect(h.logs.some((line) => line.startsWith('error: submit the Restore user form failed'))).toBe(true);
  });
});
