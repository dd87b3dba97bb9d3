/** auth.*, users.*, conversations.open and chat.* of the fake Slack API. */
import { type FakeState, type Handler, checkMessageContent, optStr, reqStr, requireArgs, withGeneratedIds } from './state.js';
import { type Message, type SeedUser, type SlackUser, SlackApiError } from './types.js';

/** Drops undefined fields so stored objects compare cleanly with toEqual/toStrictEqual. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function tzOffsetSeconds(tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date());
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

export function buildUser(seed: SeedUser, teamId: string): SlackUser {
  const tz = seed.tz ?? 'America/Los_Angeles';
  const name = seed.name ?? seed.id.toLowerCase();
  const realName = seed.realName ?? ([seed.firstName, seed.lastName].filter(Boolean).join(' ') || name);
  const [first = '', ...rest] = realName.split(' ');
  return {
    id: seed.id,
    team_id: teamId,
    name,
    deleted: seed.deleted ?? false,
    real_name: realName,
    tz,
    tz_label: tz,
    tz_offset: tzOffsetSeconds(tz),
    is_admin: seed.isAdmin ?? seed.isOwner ?? false,
    is_owner: seed.isOwner ?? false,
    is_primary_owner: false,
    is_bot: seed.isBot ?? false,
    is_app_user: false,
    profile: compact({
      real_name: realName,
      display_name: name,
      first_name: seed.firstName ?? first,
      last_name: seed.lastName ?? rest.join(' '),
      email: seed.email,
      team: teamId,
    }),
  };
}

function publicMessage(m: Message): Omit<Message, 'channel' | 'history'> {
  const { channel: _c, history: _h, ...rest } = m;
  return rest;
}

function checkThreadTs(thread: string | undefined): void {
  if (thread !== undefined && !/^\d+\.\d+$/.test(thread)) {
    throw new SlackApiError('invalid_thread_ts', [`[ERROR] thread_ts ${JSON.stringify(thread)} is not a message ts`]);
  }
}

/** chat.update / chat.delete need the real channel id: a user id (U…/W…) is not a channel. */
function existingChannel(s: FakeState, channel: string): string {
  if (s.isUserId(channel)) {
    throw new SlackApiError('channel_not_found', ['[ERROR] use the DM channel id (D…) returned by chat.postMessage, not a user id']);
  }
  s.checkChannelOfCaller(channel);
  return channel;
}

export const chatMethods: Record<string, Handler> = {
  'api.test': (args) => ({ ok: true, args }),

  // Who the token is: its own workspace and bot.
  'auth.test': (_args, s) => ({
    ok: true,
    url: `https://${s.caller.domain}.slack.com/`,
    team: s.caller.name,
    user: 'roster',
    team_id: s.caller.id,
    user_id: s.caller.botUserId,
    bot_id: s.caller.botId,
    is_enterprise_install: false,
  }),

  'users.info': (args, s) => {
    const user = s.users.get(reqStr(args, 'user'));
    if (!user) throw new SlackApiError('user_not_found');
    s.checkUserOfCaller(user.id);
    return { ok: true, user: args.include_locale ? { ...user, locale: 'en-US' } : user };
  },

  'users.lookupByEmail': (args, s) => {
    const email = reqStr(args, 'email').toLowerCase();
    const user = [...s.users.values()].find((u) => u.team_id === s.caller.id && u.profile.email?.toLowerCase() === email);
    if (!user) throw new SlackApiError('users_not_found');
    return { ok: true, user };
  },

  'users.list': (_args, s) => ({ ok: true, members: [...s.users.values()].filter((u) => u.team_id === s.caller.id), response_metadata: { next_cursor: '' } }),

  'conversations.open': (args, s) => {
    const channel = optStr(args, 'channel');
    if (channel !== undefined) {
      s.checkChannelOfCaller(channel);
      return { ok: true, channel: { id: channel } };
    }
    const users = reqStr(args, 'users')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0 || users.length > 8) throw new SlackApiError('invalid_arguments', ['[ERROR] users must list 1 to 8 user ids']);
    const bad = users.find((u) => !s.isUserId(u));
    if (bad !== undefined) throw new SlackApiError('user_not_found', [`[ERROR] not a user id: ${bad}`]);
    for (const user of users) s.checkUserOfCaller(user);
    const id = users.length === 1 && users[0] ? s.dmChannel(users[0]) : `G${[...users].sort().join('')}`;
    return { ok: true, no_op: false, already_open: false, channel: { id } };
  },

  'chat.postMessage': (args, s) => {
    const channel = s.resolvePostChannel(reqStr(args, 'channel'));
    s.checkChannelOfCaller(channel);
    const blocks = checkMessageContent(args, true);
    const threadTs = optStr(args, 'thread_ts');
    checkThreadTs(threadTs);
    const msg = s.addMessage(
      s.botMessage(
        channel,
        compact({
          text: optStr(args, 'text') ?? '',
          blocks: blocks && withGeneratedIds(blocks, s),
          attachments: Array.isArray(args.attachments) ? args.attachments : undefined,
          thread_ts: threadTs,
          metadata: args.metadata,
        }),
      ),
    );
    return { ok: true, channel, ts: msg.ts, message: publicMessage(msg) };
  },

  'chat.update': (args, s) => {
    requireArgs(args, ['channel', 'ts']);
    const channel = existingChannel(s, reqStr(args, 'channel'));
    const ts = reqStr(args, 'ts');
    const blocks = checkMessageContent(args, false);
    const msg = s.findMessage(channel, ts);
    if (!msg) throw new SlackApiError('message_not_found', [`[ERROR] no message with ts ${ts} in ${channel}`]);
    if (msg.user !== s.caller.botUserId) throw new SlackApiError('cant_update_message');
    const { history = [], ...previous } = msg;
    msg.history = [...history, previous];
    const text = optStr(args, 'text');
    if (text !== undefined) msg.text = text;
    if (blocks !== undefined) msg.blocks = withGeneratedIds(blocks, s);
    if (Array.isArray(args.attachments)) msg.attachments = args.attachments;
    msg.edited = { user: s.caller.botUserId, ts: s.nextTs() };
    return { ok: true, channel, ts, text: msg.text ?? '', message: publicMessage(msg) };
  },

  'chat.postEphemeral': (args, s) => {
    requireArgs(args, ['channel', 'user']);
    const channel = s.resolvePostChannel(reqStr(args, 'channel'));
    const user = reqStr(args, 'user');
    if (!s.isUserId(user)) throw new SlackApiError('user_not_found');
    s.checkChannelOfCaller(channel);
    s.checkUserOfCaller(user);
    const blocks = checkMessageContent(args, true);
    const threadTs = optStr(args, 'thread_ts');
    checkThreadTs(threadTs);
    const msg = s.botMessage(
      channel,
      compact({
        text: optStr(args, 'text') ?? '',
        blocks: blocks && withGeneratedIds(blocks, s),
        thread_ts: threadTs,
        ephemeral_to: user,
      }),
    );
    s.ephemerals.push(msg);
    return { ok: true, message_ts: msg.ts };
  },

  'chat.delete': (args, s) => {
    requireArgs(args, ['channel', 'ts']);
    const channel = existingChannel(s, reqStr(args, 'channel'));
    const ts = reqStr(args, 'ts');
    const msg = s.findMessage(channel, ts);
    if (!msg) throw new SlackApiError('message_not_found');
    if (msg.user !== s.caller.botUserId) throw new SlackApiError('cant_delete_message');
    msg.deleted = true;
    return { ok: true, channel, ts };
  },

  'chat.getPermalink': (args, s) => {
    requireArgs(args, ['channel', 'message_ts']);
    const channel = reqStr(args, 'channel');
    const ts = reqStr(args, 'message_ts');
    if (!s.findMessage(channel, ts)) throw new SlackApiError('message_not_found');
    return { ok: true, channel, permalink: `https://${s.caller.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
  },
};
