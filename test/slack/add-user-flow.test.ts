import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK } from '../../src/slack/views/ids.js';
import { plainText, externalSelect, multiStaticSelect, usersSelect, radio, checkboxes } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { countRows } from '../support/test-db.js';
import { finish } from './add-user-wizard.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('the Slack app', (kind) => {
  let r: RosterUnderTest;
  const OWNER = 'U0OWNER';
  const MEMBER = 'U0MEMBER';
  const HR = 'U0HR';
  const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

  beforeAll(async () => {
    r = await startRosterUnderTest({ kind });
    r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', firstName: 'Olivia', lastName: 'Owner', email: 'olivia@example.com', isOwner: true });
    r.fake.seedUser({ id: MEMBER, realName: 'Max Member' });
    r.fake.seedUser({ id: HR, realName: 'Hana HR' });
  });
  afterAll(async () => r.stop());

  const text = (body: unknown) => JSON.stringify(body);

  async function openedAfter(index: number, userId: string) {
    const call = await r.fake.waitFor('views.open', { after: index });
    expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
    const view = (call.response as unknown as { view: { id: string } }).view;
    return { id: view.id, view: r.fake.viewRecord(view.id)!.view, userId };
  }

  describe('setting up, buying licenses and adding a user, end to end', () => {
    it('tells everyone that the workspace is not set up yet', async () => {
      const res = await r.sim.command('/users', 'add', { userId: OWNER });
      expect(res.status).toBe(200);
      expect(text(res.body)).toMatch(/not set up for this workspace yet.*\/users setup/);
    });

    it('refuses setup to a member who is not a workspace admin, and says who can', async () => {
      const before = r.fake.calls().length;
      await r.sim.command('/users', 'setup', { userId: MEMBER });
      const modal = await openedAfter(before, MEMBER);
      expect(text(modal.view)).toMatch(/Only a Slack workspace owner or admin/);
      expect(await countRows(r.db.db, 'Tenant')).toBe(0);
    });

    it('sets up the organization from the setup modal; the owner becomes Global admin and gets a DM', async () => {
      const before = r.fake.calls().length;
      const res = await r.sim.command('/users', 'setup', { userId: OWNER });
      expect(res.status).toBe(200);
      const modal = await openedAfter(before, OWNER);
      const bad = await r.sim.viewSubmission(modal.view, { initialDomain: { value: plainText('con toso') } }, { userId: OWNER });
      expect(bad.body).toMatchObject({ response_action: 'errors', errors: { initialDomain: expect.stringMatching(/only letters and digits/) } });
      const good = await r.sim.viewSubmission(
        modal.view,
        { initialDomain: { value: plainText('contoso') }, organizationName: { value: plainText('Contoso') } },
        { userId: OWNER },
      );
      expect(good.problems).toEqual([]);
      // Acked at once ("Setting up…"); the modal then shows the result.
      expect(text(good.body)).toMatch(/Setting up \*Contoso\*/);
      const done = await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === modal.id, { after: before });
      expect(text(done.args.view)).toMatch(/Contoso.*is set up/);
      await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}`);
      expect(text(r.fake.dmsTo(OWNER))).toMatch(/olivia@contoso.onmicrosoft.com/);
      await r.fake.waitFor('views.publish', { after: before });
      expect(text(r.fake.homeOf(OWNER))).toMatch(/Contoso/);
    });

    it('buys licenses and lists seats', async () => {
      const triggerId = r.fake.issueTriggerId({ userId: OWNER });
      const bought = await r.sim.command('/licenses', 'buy business basic 3', { userId: OWNER, triggerId });
      // The purchase is made after the ack: on PostgreSQL the next command may be read before it commits.
      await r.handled(triggerId);
      expect(text(bought.body)).toMatch(/Bought 3 Microsoft 365 Business Basic \(O365_BUSINESS_ESSENTIALS\)\. Now 3 available of 3/);
      const refused = await r.sim.command('/licenses', 'buy business basic 3', { userId: MEMBER });
      expect(text(refused.body)).toMatch(/To buy licenses you need one of these roles: Global admin, Billing admin/);
      const missing = await r.sim.command('/licenses', 'buy business basic', { userId: OWNER });
      expect(text(missing.body)).toMatch(/Say how many licenses to buy/);
      const list = await r.sim.command('/licenses', '', { userId: OWNER });
      expect(list.problems).toEqual([]);
      expect(text(list.body)).toMatch(/3 available · 0 assigned · 3 total/);
    });

    it('opens the Add user form, shows mistakes on their fields, then adds the user and DMs the credentials', async () => {
      const before = r.fake.calls().length;
      await r.sim.command('/users', 'add', { userId: OWNER });
      const modal = await openedAfter(before, OWNER);
      expect(JSON.stringify(modal.view)).not.toContain('"block_id":"password"');
      // "Let me create the password" re-renders the form with the Password box.
      const beforeChoice = r.fake.calls().length;
      await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'passwordMode', selectedOption: 'custom', view: modal.view });
      await r.fake.waitFor('views.update', { after: beforeChoice });
      const withPassword = r.fake.viewRecord(modal.id)!.view;
      expect(JSON.stringify(withPassword)).toContain('"block_id":"password"');
      const typed = {
        firstName: { value: plainText('Ana') },
        lastName: { value: plainText('Silva') },
        alias: { value: plainText('ana.') },
        passwordMode: { value: radio('custom') },
        password: { value: plainText('weakpass') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        roles: { value: multiStaticSelect(['user_admin']) },
      };
      const bad = await r.sim.viewSubmission(withPassword, typed, { userId: OWNER });
      expect(bad.problems).toEqual([]);
      expect(bad.body).toMatchObject({
        response_action: 'errors',
        errors: {
          alias: expect.stringMatching(/can't end with a period/),
          password: expect.stringMatching(/too weak/),
          usageLocation: expect.stringMatching(/Choose a usage location/),
          alternateEmail: expect.stringMatching(/needs an alternate email address/),
        },
      });
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
      const beforeAuto = r.fake.calls().length;
      await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'passwordMode', selectedOption: 'auto', view: withPassword });
      await r.fake.waitFor('views.update', { after: beforeAuto });
      const withoutPasswordBox = r.fake.viewRecord(modal.id)!.view;
      expect(JSON.stringify(withoutPasswordBox)).not.toContain('"block_id":"password"');
      // No "Apps to turn off" picker until a product is chosen; choosing one re-renders the form with its picker.
      expect(JSON.stringify(withoutPasswordBox)).not.toContain('"block_id":"apps:');
      const beforeProducts = r.fake.calls().length;
      await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: [BASIC.skuId], view: withoutPasswordBox });
      await r.fake.waitFor('views.update', { after: beforeProducts });
      const automatic = r.fake.viewRecord(modal.id)!.view;
      expect(JSON.stringify(automatic)).toContain(`"block_id":"apps:${BASIC.skuId}"`);
      expect(JSON.stringify(automatic)).not.toContain('"block_id":"password"');
      const { password: _typedPassword, ...withoutPassword } = typed;
      const afterBad = r.fake.calls().length;
      const good = await r.sim.viewSubmission(
        automatic,
        {
          ...withoutPassword,
          alias: { value: plainText('ana') },
          passwordMode: { value: radio('auto') },
          roles: { value: multiStaticSelect([]) },
          usageLocation: { value: externalSelect('NL') },
          [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([teams.id]) },
          credentialRecipients: { value: usersSelect([HR]) },
          requirePasswordChange: { value: checkboxes(['require_change']) },
          jobTitle: { value: plainText('Engineer') },
        },
        { userId: OWNER },
      );
      expect(good.problems).toEqual([]);
      // The review first: what will be created, and nothing yet.
      expect(good.body).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUserReview, submit: { text: 'Finish' } } });
      const review = text(good.body);
      expect(review).toMatch(/ana@contoso.onmicrosoft.com/);
      expect(review).toContain(`apps turned off: ${teams.displayName}`);
      expect(review).not.toMatch(/Temporary password/);
      expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana'))).toBe(0);
      const finished = await finish(r, modal.id, OWNER);
      const result = text(finished.body);
      expect(result).toMatch(/ana@contoso.onmicrosoft.com/);
      const password = /Temporary password\*\\n`([^`]+)`/.exec(result)?.[1];
      expect(password).toBeDefined();
      // "Add another user": a fresh form in the result's place, the shown password gone with it.
      const another = await r.sim.viewSubmission(r.fake.viewRecord(modal.id)!.view, {}, { userId: OWNER });
      expect(another.body).toMatchObject({ response_action: 'update', view: { callback_id: CALLBACK.addUser } });
      expect(text(another.body)).not.toContain(password!);
      await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${HR}`, { after: afterBad });
      for (const who of [OWNER, HR]) {
        const notice = r.fake.dmsTo(who).at(-1)!;
        // The DM holds a Show password button, never the password (see credential-reveal.test.ts).
        expect(text(notice.blocks)).not.toContain(password!);
        expect(text(notice.blocks)).toContain('Show password');
        expect(text(notice.blocks)).toMatch(/Change at next sign-in\*\\nYes, required/);
        // Slack renders the date in each reader's time zone; the fallback is the same moment in UTC.
        const expiry = /Password expires\*\\n<!date\^(\d+)\^\{date_short_pretty\} \{time\}\|([^>]+)> \(in 90 days\)/.exec(text(notice.blocks));
        expect(expiry, text(notice.blocks)).not.toBeNull();
        const expiresAt = new Date(Number(expiry![1]) * 1000);
        expect(expiry![2]).toBe(`${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
        expect(Math.round((expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(90);
        expect(text(notice.blocks)).toContain('Microsoft 365 Business Basic');
        expect(notice.text).not.toContain(password!);
      }
      const shown = await r.sim.command('/users', 'show ana', { userId: OWNER });
      expect(text(shown.body)).toContain(`Apps turned off: ${teams.displayName}`);
      expect(text(shown.body)).toMatch(/Engineer/);
      // Its history: who made it, and which fields (never a value).
      expect(text(shown.body)).toMatch(
        /Last changes.*<@U0OWNER> · Added ana@contoso.onmicrosoft.com with Microsoft 365 Business Basic _\(account, password, licenses\)_/,
      );
      expect(text(shown.body)).not.toContain(password!);
      const list = await r.sim.command('/licenses', '', { userId: OWNER });
      expect(text(list.body)).toMatch(/2 available · 1 assigned · 3 total/);
      expect(r.logs.join('\n')).not.toContain(password!);
      expect(r.logs.some((line) => line.includes('user added'))).toBe(true);
    });

    it('answers a member with no role, and shows short help', async () => {
      const res = await r.sim.command('/users', 'add', { userId: MEMBER });
      expect(text(res.body)).toMatch(/To add users you need one of these roles: Global admin, User admin\. You have no admin role/);
      const help = await r.sim.command('/users', '', { userId: MEMBER });
      expect(text(help.body)).toMatch(/\/users add/);
      const unknown = await r.sim.command('/users', 'frob', { userId: MEMBER });
      expect(text(unknown.body)).toMatch(/doesn't know `\/users frob`/);
    });
  });
});
