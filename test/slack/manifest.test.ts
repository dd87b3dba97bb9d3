import { readFileSync } from 'node:fs';
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SlackAppDeps } from '../../src/slack/deps.js';
import { MESSAGE_CHANNEL_TYPES } from '../../src/slack/listeners/events/direct-message-event.js';
import { registerListeners } from '../../src/slack/listeners/register.js';
import { LICENSES_SUBCOMMANDS } from '../../src/slack/listeners/commands/licenses-command.js';
import { USERS_SUBCOMMANDS } from '../../src/slack/listeners/commands/users-command.js';

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    slash_commands?: { command: string; usage_hint?: string }[];
    shortcuts?: { callback_id: string; type: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean; message_menu_options_url?: string } };
}

const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Manifest;

/**
 * What register.ts really registers, read by running it against a recorder: a listener added or
 * removed there changes what this test compares, so the comparison cannot go stale. A Bolt method
 * the recorder lacks makes registerListeners throw, and the test with it.
 */
function registered() {
  const found = { commands: [] as string[], shortcuts: [] as string[], events: [] as string[], interactive: 0, options: 0 };
  const recorder = {
    command: (name: unknown) => found.commands.push(String(name)),
    shortcut: (id: unknown) => found.shortcuts.push(typeof id === 'string' ? id : String((id as { callback_id?: unknown }).callback_id)),
    event: (name: unknown) => found.events.push(String(name)),
    view: () => (found.interactive += 1),
    action: () => (found.interactive += 1),
    options: () => (found.options += 1),
  };
  registerListeners(recorder as unknown as App, {} as SlackAppDeps);
  return found;
}

/** A Bolt `message` listener receives the manifest's message.<type> events of the types it reads. */
const MESSAGE_EVENT = { im: 'message.im', mpim: 'message.mpim', channel: 'message.channels', group: 'message.groups' } as Record<string, string>;
/** The scope each event subscription needs (an empty string: none). */
const EVENT_SCOPE: Record<string, string> = {
  app_home_opened: '',
  app_uninstalled: '',
  tokens_revoked: '',
  file_shared: 'files:read',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
};

const sorted = (values: string[]) => [...new Set(values)].sort();

describe('manifest.yml matches what Roster listens to', () => {
  const code = registered();
  const subscribed = code.events.flatMap((event) =>
    event === 'message' ? MESSAGE_CHANNEL_TYPES.map((type) => MESSAGE_EVENT[type] ?? `message.${type}?`) : [event],
  );
  const scopes = manifest.oauth_config.scopes.bot;

  it('declares every slash command registered, and no other', () => {
    expect(sorted(manifest.features.slash_commands?.map((c) => c.command) ?? [])).toEqual(sorted(code.commands));
  });

  it('declares every shortcut callback id registered, and no other', () => {
    expect(sorted(manifest.features.shortcuts?.map((s) => s.callback_id) ?? [])).toEqual(sorted(code.shortcuts));
  });

  it('subscribes to every event listened to, and no other', () => {
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(sorted(subscribed));
  });

  it('gives an options load URL when a select loads its options from Roster (external selects)', () => {
    expect(code.options).toBeGreaterThan(0);
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
  });

  it('asks for the scope each event needs, and no history scope without its event', () => {
    for (const event of subscribed) {
      expect(EVENT_SCOPE, `the scope of ${event} is known to this test`).toHaveProperty([event]);
      if (EVENT_SCOPE[event]) expect(scopes, `${event} needs ${EVENT_SCOPE[event]}`).toContain(EVENT_SCOPE[event]);
    }
    const historyScopes = scopes.filter((scope) => scope.endsWith(':history'));
    expect(sorted(historyScopes)).toEqual(sorted(subscribed.map((event) => EVENT_SCOPE[event] ?? '').filter((scope) => scope.endsWith(':history'))));
    if (code.commands.length + code.shortcuts.length > 0) expect(scopes).toContain('commands');
  });

  it('turns on the surfaces the listeners need: interactivity, the Home tab, and a writable Messages tab', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(code.interactive + code.shortcuts.length > 0);
    expect(manifest.features.app_home.home_tab_enabled).toBe(code.events.includes('app_home_opened'));
    const readsDm = subscribed.includes('message.im');
    expect(manifest.features.app_home.messages_tab_enabled).toBe(readsDm);
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(!readsDm);
  });
});

describe("manifest.yml's usage hints list every subcommand the code parses", () => {
  /** The first word of each `|`-separated part of a usage hint. */
  const hinted = (command: string) =>
    (manifest.features.slash_commands ?? [])
      .find((entry) => entry.command === command)
      ?.usage_hint?.split(' | ')
      .map((part) => part.trim().split(/\s+/)[0] ?? '') ?? [];

  it('/users', () => expect(sorted(hinted('/users'))).toEqual(sorted([...USERS_SUBCOMMANDS])));
  it('/licenses', () => expect(sorted(hinted('/licenses'))).toEqual(sorted([...LICENSES_SUBCOMMANDS])));
});
