import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackClientSim } from '../support/slack-requests.js';
import { startAnotherRoster, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { createLogger } from '../../src/log.js';
import type { RosterApp } from '../../src/slack/create-app.js';
import type { ListenerDeps } from '../../src/slack/deps.js';
import { ImportFileProblem, withDownloadedFile } from '../../src/slack/services/import-download.js';
import { webApiPort } from '../../src/slack/web-api-port.js';
import { CHANNEL, OWNER, csvBytes, channelUpload, seedContoso, userRow } from './import-helpers.js';
import { countRows } from '../support/test-db.js';
import { HomeRefresher } from '../../src/slack/services/home-refresher.js';
import { oneTokenPorts } from '../../src/slack/slack-ports.js';

let r: RosterUnderTest;
let small: RosterApp;
let sim: SlackClientSim;
let dir: string;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r);
  dir = mkdtempSync(path.join(tmpdir(), 'roster-limits-'));
  ({ app: small, sim } = await startAnotherRoster(r, { ROSTER_IMPORT_MAX_ROWS: '2', ROSTER_IMPORT_MAX_BYTES: '400' }));
});
afterAll(async () => {
  await small.stop();
  await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

function depsWith(maxBytes: number): ListenerDeps {
  const slack = webApiPort(new WebClient(r.fake.botToken, { slackApiUrl: r.fake.apiUrl }), r.fake.botToken);
  const logger = createLogger('error', () => undefined);
  const home = new HomeRefresher({ core: r.db.ctx, ports: oneTokenPorts(slack), logger });
  return {
    core: r.db.ctx,
    teamId: r.fake.teamId,
    slack,
    home,
    ackBudgetMs: 2000,
    bootstrapAdmins: [],
    logger,
    imports: { limits: { maxRows: 10, maxBytes }, tempDir: dir, progressIntervalMs: 1000 },
    secretKey: randomBytes(32),
  };
}

describe('import limits', () => {
  it('ROSTER_IMPORT_MAX_BYTES and ROSTER_IMPORT_MAX_ROWS are applied, and the thread says what to do', async () => {
    const big = r.fake.addFile({ name: 'big.csv', user: OWNER, bytes: csvBytes(Array.from({ length: 20 }, (_, i) => userRow(`big${i}`))) });
    const bigUpload = channelUpload(big);
    await sim.event(bigUpload.event);
    const tooBig = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === bigUpload.ts);
    expect(String(tooBig.args.text)).toMatch(/big.csv is \d+(\.\d)? KB; the most Roster reads is 400 bytes\. Split it into smaller files\./);
    expect(r.fake.calls('$download').filter((c) => c.args.file_id === big.id)).toEqual([]);

    const many = r.fake.addFile({ name: 'many.csv', user: OWNER, bytes: csvBytes([userRow('a'), userRow('b'), userRow('c')]) });
    expect(many.size).toBeLessThan(400);
    const manyUpload = channelUpload(many);
    await sim.event(manyUpload.event);
    const tooMany = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === manyUpload.ts);
    expect(String(tooMany.args.text)).toMatch(/could not verify this file\. many.csv: .*most Roster reads from one file is 2/);
    expect(await countRows(r.db.db, 'ImportJob')).toBe(0);
    expect(r.fake.messagesIn(CHANNEL).every((m) => !JSON.stringify(m.blocks ?? '').includes('roster_import_choose_settings'))).toBe(true);
  });

  it('downloads into a folder of its own, stops streaming past the limit, and always deletes the folder', async () => {
    const deps = depsWith(300);
    const file = r.fake.addFile({ name: 'ok.csv', user: OWNER, bytes: Buffer.from('x'.repeat(200)) });
    const info = await deps.slack.fileInfo(file.id);
    const seen = await withDownloadedFile(deps, info, async (filePath) => {
      expect(existsSync(filePath)).toBe(true);
      // Private whatever the process umask: the folder 0700, the file 0600.
      expect(statSync(path.dirname(filePath)).mode & 0o777).toBe(0o700);
      expect(statSync(filePath).mode & 0o777).toBe(0o600);
      return path.dirname(filePath);
    });
    expect(existsSync(seen)).toBe(false);

    const huge = r.fake.addFile({ name: 'huge.csv', user: OWNER, bytes: Buffer.alloc(5 * 1024 * 1024, 0x61) });
    // files.info said the file was small: the limit is enforced on the bytes as they arrive.
    const lying = { ...(await deps.slack.fileInfo(huge.id)), size: 10 };
    await expect(withDownloadedFile(deps, lying, async () => 'read')).rejects.toThrow(ImportFileProblem);
    await expect(withDownloadedFile(deps, { ...lying }, async () => 'read')).rejects.toThrow(/huge.csv is over 300 bytes; the most Roster reads is 300 bytes/);
    await expect(withDownloadedFile(deps, info, async () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    expect(readdirSync(dir)).toEqual([]);
  });
});
