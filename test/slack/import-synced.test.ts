import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import type { Message } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, externalSelect, multiStaticSelect } from '../support/slack-requests.js';
import { CHANNEL, OWNER, channelUpload, csvBytes, csvRecords, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

/** An import of synced users from Slack hands out no temporary password (issue 18 item 6), end to end. */

let r: RosterUnderTest;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

describe('importing synced users from Slack', () => {
  it('the form says they keep their on-premises password; the results say "password managed on premises" and hold none', async () => {
    const file = r.fake.addFile({ name: 'synced.csv', user: OWNER, bytes: csvBytes([userRow('sam'), userRow('sue')]) });
    const { event, ts } = channelUpload(file);
    const before = r.fake.calls().length;
    await r.sim.event(event);
    const preview: Message = structuredClone(await waitForPreview(r, CHANNEL, ts, before));
    const opening = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
    const opened = await r.fake.waitFor('views.open', { after: opening });
    const view = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    expect(text(view)).toContain('Synced users sign in with their on-premises password: no temporary password is made');

    const submitting = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      view,
      { synced: { value: checkboxes(['synced']) }, usageLocation: { value: externalSelect('NL') }, licenses: { value: multiStaticSelect([]) } },
      { userId: OWNER },
    );
    expect(submitted.body).toBe('');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: submitting, timeoutMs: 8000 });
    const results = r.fake.uploadedFiles().find((f) => f.name === 'synced-results.csv')!;
    expect(csvRecords(results.bytes).map((row) => [row['User Name'], row['Temporary password'], row.Status])).toEqual([
      ['sam@contoso.onmicrosoft.com', 'password managed on premises', 'Created'],
      ['sue@contoso.onmicrosoft.com', 'password managed on premises', 'Created'],
    ]);
    const dm = r.fake.dmsTo(OWNER).find((m) => (m.text ?? '').startsWith('Import of synced.csv finished'))!;
    expect(text(dm.blocks)).toContain('they sign in with their on-premises password (password managed on premises)');
    expect(text(r.fake.messagesIn(CHANNEL).find((m) => m.ts === preview.ts)!.blocks)).toContain('These users are synced');
    const stored = await r.db.db.selectFrom('DirectoryUser').select(['source', 'passwordHash']).where('importJobId', 'is not', null).execute();
    expect(stored).toEqual([
      { source: 'synced', passwordHash: '' },
      { source: 'synced', passwordHash: '' },
    ]);
  });
});
