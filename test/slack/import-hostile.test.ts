/**
 * The security review's files, end to end through the channel preview: hostile shapes are
 * refused with a clear message, a shifted Entra password appears nowhere (preview, problems CSV,
 * logs), and Microsoft's example row is skipped only at a domain the organization does not have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/index.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { CHANNEL, HEADER, OWNER, channelUpload, seedContoso, text, waitForPreview } from './import-helpers.js';

let r: RosterUnderTest;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 10);
});
afterAll(async () => r.stop());

const SECRET = 'Shifted-Secret-77!';
const ENTRA_HEADER = `version:v1.0\r\n${ENTRA_TEMPLATE_HEADERS.join(',')}`;
const entra = (name: string, upn: string, password = '', extra = '') => `${name},${upn},${password},No,${extra}`;

async function threadAnswer(name: string, bytes: Buffer): Promise<string> {
  const file = r.fake.addFile({ name, user: OWNER, bytes });
  const { event, ts } = channelUpload(file);
  await r.sim.event(event);
  const answer = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts);
  return String(answer.args.text);
}

describe('hostile files in a channel', () => {
  it('a header and 20,000 blank lines is refused in the thread, naming the problem and the row', async () => {
    const answer = await threadAnswer('blank.csv', Buffer.from(`${HEADER}\n${'\n'.repeat(20_000)}`));
    expect(answer).toMatch(
      /could not verify this file\. blank\.csv: The file has more than 10,000 blank rows \(the limit was passed on row 10,002\): delete the empty rows/,
    );
  });

  it('a header and one row of 1,000,000 commas is refused in the thread', async () => {
    const answer = await threadAnswer('wide.csv', Buffer.from(`${HEADER}\n${','.repeat(1_000_000)}\n`));
    expect(answer).toMatch(/could not verify this file\. wide\.csv: Row 2 has more than 1,000 columns/);
  });
});

describe('Entra files in a channel', () => {
  it('a password shifted by an unquoted comma is in neither the preview, the problems file nor the logs', async () => {
    const rows = [entra('Ana Alves', 'ana@contoso.onmicrosoft.com', 'Fine-Secret-12!'), entra('Green, Chris', 'chris@contoso.onmicrosoft.com', SECRET)];
    const file = r.fake.addFile({ name: 'entra-shifted.csv', user: OWNER, bytes: Buffer.from([ENTRA_HEADER, ...rows].join('\r\n')) });
    const { event, ts } = channelUpload(file);
    await r.sim.event(event);
    const preview = await waitForPreview(r, CHANNEL, ts);
    const shown = text(preview.blocks);
    expect(shown).toMatch(/Row 4 · Block sign in \(Yes\/No\) \[accountEnabled\] Required: The value is not Yes or No/);
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.thread_ts === ts);
    const problems = r.fake.uploadedFiles().find((f) => f.name === 'entra-shifted-problems.csv')!;
    expect(problems.bytes.toString('utf8')).toMatch(/not Yes or No/);
    const everything = [shown, text(preview), problems.bytes.toString('utf8'), ...r.logs, text(r.fake.calls())].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('Fine-Secret-12!');
  });

  it("a real Chris Green in an organization at contoso.onmicrosoft.com is read; Microsoft's example at contoso.com is skipped, and the preview says so", async () => {
    const sample = 'Chris,Green,IT Manager,Information Technology';
    const real = [
      entra('Chris Green', 'chris@contoso.onmicrosoft.com', '', sample),
      ...['dan', 'eve', 'fay', 'gus'].map((a) => entra(a, `${a}@contoso.onmicrosoft.com`)),
    ];
    const realFile = r.fake.addFile({ name: 'entra-real.csv', user: OWNER, bytes: Buffer.from([ENTRA_HEADER, ...real].join('\r\n')) });
    const realUpload = channelUpload(realFile);
    await r.sim.event(realUpload.event);
    const realShown = text((await waitForPreview(r, CHANNEL, realUpload.ts)).blocks);
    expect(realShown).toMatch(/\*Rows read\*\\n5/);
    expect(realShown).not.toContain('was skipped');

    const example = [entra('Chris Green', 'chris@contoso.com', '', sample), entra('hal', 'hal@contoso.onmicrosoft.com')];
    const exampleFile = r.fake.addFile({ name: 'entra-example.csv', user: OWNER, bytes: Buffer.from([ENTRA_HEADER, ...example].join('\r\n')) });
    const exampleUpload = channelUpload(exampleFile);
    await r.sim.event(exampleUpload.event);
    const exampleShown = text((await waitForPreview(r, CHANNEL, exampleUpload.ts)).blocks);
    expect(exampleShown).toMatch(/\*Rows read\*\\n1/);
    expect(exampleShown).toContain("Row 3 was skipped: it is Microsoft's example row from the Entra template (Chris Green at contoso.com");
  });
});
