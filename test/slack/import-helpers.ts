/** Shared setup of the import tests (test/slack/import-*.test.ts): a seeded Contoso and CSV files "uploaded" to the fake. */
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { addImportChannel } from '../../src/core/imports/import-channels.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import type { FileObject, Message } from '../support/fake-slack-api.js';
import type { RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { FORMULA_START } from '../../src/core/bulk/csv-out.js';

export const OWNER = 'U0OWNER';
export const MEMBER = 'U0MEMBER';
export const HR = 'U0HR';
export const CHANNEL = 'C0HIRING01';

export const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

export const userRow = (alias: string, name = alias) => `${alias}@contoso.onmicrosoft.com,${name},,${name},,,,,,,,,,,,`;

export function csvBytes(rows: string[]): Buffer {
  return Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`);
}

/** Owner = Global admin of Contoso with `seats` Business Basic licenses; HR and MEMBER have no role; CHANNEL is an import channel. */
export async function seedContoso(r: RosterUnderTest, seats = 3): Promise<void> {
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', firstName: 'Olivia', lastName: 'Owner', email: 'olivia@example.com', isOwner: true });
  r.fake.seedUser({ id: MEMBER, realName: 'Max Member' });
  r.fake.seedUser({ id: HR, realName: 'Hana HR' });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  const bought = await buyLicenses(r.db.ctx, owner, { product: 'O365_BUSINESS_ESSENTIALS', quantity: seats });
  if (!bought.ok) throw new Error(bought.message);
  await addImportChannelFor(r, CHANNEL);
}

/** Makes `channel` an import channel (as `/users import-channel add` run there by the owner would): files shared there are verified. */
export async function addImportChannelFor(r: RosterUnderTest, channel: string): Promise<void> {
  const added = await addImportChannel(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER }, channel);
  if (!added.ok) throw new Error(added.message);
}

let tsCounter = 0;
/** A message ts of a member's upload (the fake only records the app's own messages). */
export const uploadTs = () => `1700009${String(++tsCounter).padStart(3, '0')}.000100`;

/**
 * A member uploads a file into a channel Roster is in. Roster reads no channel messages, so Slack
 * sends only `file_shared`; files.info then names the message holding the file (`ts`).
 */
export function channelUpload(file: FileObject, o: { user?: string; channel?: string; ts?: string } = {}) {
  const channel = o.channel ?? CHANNEL;
  const ts = o.ts ?? uploadTs();
  file.shares = { public: { [channel]: [{ ts }] } };
  return { event: fileSharedEvent(file, { user: o.user, channel }), ts };
}

/** The DM between Roster and a member, as the fake names it. */
export const dmWith = (user: string) => `D${user}`;

/** A member uploads a file into their DM with Roster: a `message` (subtype file_share, channel_type im) besides `file_shared`. */
export function dmUpload(file: FileObject, o: { user?: string; ts?: string } = {}) {
  const user = o.user ?? OWNER;
  const channel = dmWith(user);
  const ts = o.ts ?? uploadTs();
  file.shares = { private: { [channel]: [{ ts }] } };
  const message = { type: 'message', subtype: 'file_share', text: '', user, channel, channel_type: 'im', ts, files: [file] };
  return { message, fileShared: fileSharedEvent(file, { user, channel }), channel, ts };
}

export function fileSharedEvent(file: FileObject, o: { user?: string; channel?: string } = {}) {
  return { type: 'file_shared', file_id: file.id, user_id: o.user ?? OWNER, file: { id: file.id }, channel_id: o.channel ?? CHANNEL };
}

/** The app's messages in a thread. */
export const threadReplies = (r: RosterUnderTest, channel: string, threadTs: string): Message[] =>
  r.fake.messagesIn(channel).filter((m) => m.thread_ts === threadTs);

export async function waitForPreview(r: RosterUnderTest, channel: string, threadTs?: string, after = 0): Promise<Message> {
  const call = await r.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === channel &&
      (threadTs === undefined || c.args.thread_ts === threadTs) &&
      JSON.stringify(c.args.blocks ?? '').includes('Verified'),
    { after },
  );
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  const posted = r.fake.messagesIn(String(call.response.channel)).find((m) => m.ts === call.response.ts);
  return posted!;
}

export const text = (value: unknown) => JSON.stringify(value);

/** Parses a CSV Roster wrote (UTF-8 with BOM) into records keyed by header. */
export function csvRecords(bytes: Buffer): Record<string, string>[] {
  return parse(bytes, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** A cell as the person typed it: formula-neutralized cells start with an apostrophe in the file. */
export const cellValue = (cell: string) => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell);
