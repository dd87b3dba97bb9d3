import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { addHours } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { keyFilePath } from '../../src/core/credentials/secret-key.js';
import type { RosterApp } from '../../src/slack/create-app.js';
import { ACTION } from '../../src/slack/views/ids.js';
import type { Message } from '../support/fake-slack-api.js';
import { startAnotherRoster, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { externalSelect, multiStaticSelect, plainText, radio, usersSelect } from '../support/slack-requests.js';
import { HR, MEMBER, OWNER, seedContoso, text } from './import-helpers.js';
import { openAddUserForm, submitAndFinish } from './add-user-wizard.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
let clock = new Date('2027-03-01T09:00:00Z');
let r: RosterUnderTest;
let password = '';
const others: RosterApp[] = [];

beforeAll(async () => {
  r = await startRosterUnderTest({ now: () => clock });
  await seedContoso(r, 10);
  password = await addUser('ana', [HR]);
});
afterAll(async () => {
  for (const app of others) await app.stop();
  await r.stop();
});

/** Adds a user through the Add user form, its review and Finish (generated password, credentials also to `recipients`); returns the password the result shows. */
async function addUser(alias: string, recipients: string[]): Promise<string> {
  const before = r.fake.calls().length;
  const viewId = await openAddUserForm(r, OWNER);
  const res = await submitAndFinish(
    r,
    viewId,
    {
      firstName: { value: plainText(alias) },
      displayName: { value: plainText(alias) },
      alias: { value: plainText(alias) },
      passwordMode: { value: radio('auto') },
      usageLocation: { value: externalSelect('NL') },
      licenses: { value: multiStaticSelect([BASIC.skuId]) },
      credentialRecipients: { value: usersSelect(recipients) },
    },
    OWNER,
  );
  expect(text(res.body)).not.toContain('"errors"');
  for (const who of [OWNER, ...recipients]) {
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${who}` && text(c.args.text).includes(alias), { after: before });
  }
  return /Temporary password\*\\n`([^`]+)`/.exec(text(res.body))![1]!;
}

const noticeFor = (who: string, alias: string): Message =>
  r.fake
    .dmsTo(who)
    .filter((m) => (m.text ?? '').includes(`${alias}@`))
    .at(-1)!;

/** `who` presses Show password on `message`; returns the modal Slack was asked to open. */
async function press(who: string, message: Message, sim = r.sim): Promise<string> {
  const before = r.fake.calls().length;
  await sim.blockAction({ userId: who, actionId: ACTION.showPassword, message });
  const opened = await r.fake.waitFor((c) => c.method === 'views.open', { after: before });
  expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
  return text(opened.args.view);
}

const pendingRow = (recipient: string, upn: string) =>
  r.db.db.selectFrom('PendingCredential').selectAll().where('recipient', '=', recipient).where('userPrincipalName', '=', upn).executeTakeFirstOrThrow();

describe('a credential notice reveals its password once, to its recipient', () => {
  it('the DM holds a Show password button, never the password', () => {
    for (const who of [OWNER, HR]) {
      const notice = noticeFor(who, 'ana');
      expect(text(notice)).not.toContain(password);
      expect(text(notice.blocks)).toContain('Show password');
    }
  });

  it('another member pressing the button of HR’s DM is refused, and the password stays sealed', async () => {
    const modal = await press(MEMBER, noticeFor(HR, 'ana'));
    expect(modal).toMatch(/sent to another member, and only they can show it/);
    expect(modal).not.toContain(password);
    expect((await pendingRow(HR, 'ana@contoso.onmicrosoft.com')).ciphertext).not.toBeNull();
  });

  it('the recipient sees it once in a modal; the DM then says when and by whom, and the password is destroyed', async () => {
    const before = r.fake.calls().length;
    const modal = await press(OWNER, noticeFor(OWNER, 'ana'));
    expect(modal).toContain(`\`${password}\``);
    const update = await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.channel === `D${OWNER}`, { after: before });
    expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
    const notice = noticeFor(OWNER, 'ana');
    expect(text(notice.blocks)).toMatch(new RegExp(`shown to <@${OWNER}> <!date\\^${Math.floor(clock.getTime() / 1000)}\\^`));
    expect(text(notice.blocks)).not.toContain('Show password');
    const row = await pendingRow(OWNER, 'ana@contoso.onmicrosoft.com');
    expect(row).toMatchObject({ ciphertext: null, iv: null, tag: null, viewedBy: OWNER });
  });

  it('a second press says it was already shown, when and to whom', async () => {
    // As a client that still shows the button (the DM before its update) would send it.
    const notice = noticeFor(OWNER, 'ana');
    const again = await press(OWNER, { ...notice, blocks: notice.history!.at(-1)!.blocks });
    expect(again).toMatch(new RegExp(`already shown to <@${OWNER}> <!date`));
    expect(again).not.toContain(password);
  });

  it('after 24 hours (a moved clock) a restarted Roster destroys it unseen and the DM says to reset the password', async () => {
    const hrNotice = structuredClone(noticeFor(HR, 'ana'));
    clock = addHours(clock, 25);
    const before = r.fake.calls().length;
    const restarted = await startAnotherRoster(
      r,
      {},
      () => undefined,
      () => clock,
    );
    others.push(restarted.app);
    const update = await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.channel === `D${HR}`, { after: before });
    expect(update.response.ok, JSON.stringify(update.response)).toBe(true);
    expect(text(noticeFor(HR, 'ana').blocks)).toMatch(/not shown within 24 hours and was destroyed <!date.*reset their password/);
    expect((await pendingRow(HR, 'ana@contoso.onmicrosoft.com')).ciphertext).toBeNull();
    const late = await press(HR, hrNotice, restarted.sim);
    expect(late).toMatch(/not shown within 24 hours.*Reset the user's password/);
  });

  it('the key file is 0600 beside the database, and a restarted Roster reuses it to open what the first one sealed', async () => {
    const file = keyFilePath(r.db.file!);
    expect(lstatSync(file).isFile()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    const bob = await addUser('bob', []);
    const restarted = await startAnotherRoster(
      r,
      {},
      () => undefined,
      () => clock,
    );
    others.push(restarted.app);
    expect(readFileSync(file, 'utf8')).toBe(key);
    expect(await press(OWNER, noticeFor(OWNER, 'bob'), restarted.sim)).toContain(`\`${bob}\``);
  });

  it('no password or key appears in the logs, the messages Slack was sent, or the database file', async () => {
    const carl = await addUser('carl', [HR]);
    const key = readFileSync(keyFilePath(r.db.file!), 'utf8').trim();
    const secrets = [password, carl, key, Buffer.from(key, 'base64').toString('hex')];
    const chatCalls = text(r.fake.calls().filter((c) => c.method.startsWith('chat.') || c.method.startsWith('files.')));
    const messages = text([OWNER, HR, MEMBER].flatMap((who) => r.fake.dmsTo(who)));
    r.db.sqlite!.pragma('wal_checkpoint(FULL)');
    const files = [r.db.file!, `${r.db.file}-wal`].filter(existsSync).map((f) => readFileSync(f));
    for (const secret of secrets) {
      expect(r.logs.join('\n')).not.toContain(secret);
      expect(chatCalls).not.toContain(secret);
      expect(messages).not.toContain(secret);
      for (const bytes of files) expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
    // The raw key bytes are nowhere in the database either.
    for (const bytes of files) expect(bytes.includes(Buffer.from(key, 'base64'))).toBe(false);
  });
});

describe('two presses at once', () => {
  it('show the password to exactly one of them; the other is told it was already shown', async () => {
    const eve = await addUser('eve', []);
    const notice = structuredClone(noticeFor(OWNER, 'eve'));
    const before = r.fake.calls().length;
    await Promise.all([1, 2].map(() => r.sim.blockAction({ userId: OWNER, actionId: ACTION.showPassword, message: notice })));
    await r.fake.waitFor(
      (c) =>
        c.method === 'views.open' &&
        r.fake
          .calls()
          .slice(before)
          .filter((x) => x.method === 'views.open').length === 2,
      { after: before },
    );
    const modals = r.fake
      .calls()
      .slice(before)
      .filter((c) => c.method === 'views.open')
      .map((c) => text(c.args.view));
    expect(modals.filter((m) => m.includes(`\`${eve}\``))).toHaveLength(1);
    expect(modals.filter((m) => /already shown to/.test(m))).toHaveLength(1);
  });
});

describe('ROSTER_SECRET_KEY', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789' };
  it('a malformed key stops the start with a sentence naming the variable, never quoting it', () => {
    const loaded = loadEnv({ ...base, ROSTER_SECRET_KEY: 'not-a-real-key-zz9' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.message).toMatch(/ROSTER_SECRET_KEY must be 32 random bytes written as 64 hexadecimal characters or in base64/);
    expect(loaded.message).not.toContain('zz9');
    const short = loadEnv({ ...base, ROSTER_SECRET_KEY: Buffer.alloc(16, 7).toString('base64') });
    expect(short.ok).toBe(false);
  });

  it('accepts 32 bytes in hex or base64', () => {
    const bytes = Buffer.alloc(32, 9);
    for (const value of [bytes.toString('hex'), bytes.toString('base64')]) {
      const loaded = loadEnv({ ...base, ROSTER_SECRET_KEY: value });
      expect(loaded.ok && loaded.env.ROSTER_SECRET_KEY?.equals(bytes)).toBe(true);
    }
  });

  it('a press sealed under another key is refused, not revealed, and the password is kept for the right key', async () => {
    const dana = await addUser('dana', []);
    const other = await startAnotherRoster(
      r,
      { ROSTER_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') },
      () => undefined,
      () => clock,
    );
    others.push(other.app);
    const modal = await press(OWNER, noticeFor(OWNER, 'dana'), other.sim);
    expect(modal).toMatch(/cannot open this password with its current key/);
    expect(await press(OWNER, noticeFor(OWNER, 'dana'))).toContain(`\`${dana}\``);
  });
});
