import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { CHANNEL, csvBytes, channelUpload, OWNER, seedContoso, userRow } from './import-helpers.js';

let r: RosterUnderTest;
beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

/** The call Roster made after Slack answered 429 + Retry-After: 1, and that one went through. */
async function retriedAfterRateLimit(method: string, after: number) {
  const limited = await r.fake.waitFor((c) => c.method === method && c.response.ok === false, { after });
  const retried = await r.fake.waitFor((c) => c.method === method && c.response.ok === true && c.at > limited.at, { after });
  return { limited, retried };
}

describe('a Web API call or file download answered with 429 waits its Retry-After and succeeds', () => {
  it('chat.postMessage (Bolt’s client retries it)', async () => {
    const before = r.fake.calls().length;
    r.fake.failNext('chat.postMessage', 'ratelimited');
    const { event, ts } = channelUpload(r.fake.addFile({ name: 'hires.csv', user: OWNER, bytes: csvBytes([userRow('ana')]) }));
    expect((await r.sim.event(event)).status).toBe(200);
    const { limited, retried } = await retriedAfterRateLimit('chat.postMessage', before);
    expect(limited.response.error).toBe('ratelimited');
    expect(retried.args.channel).toBe(CHANNEL);
    expect(retried.args.thread_ts).toBe(ts);
    expect(JSON.stringify(retried.args.blocks)).toContain('Verified hires.csv');
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
  });

  it('views.open (Roster posts it itself, as JSON) honours Retry-After too, and /metrics counts the 429', async () => {
    const before = r.fake.calls().length;
    r.fake.failNext('views.open', 'ratelimited');
    await r.sim.command('/users', 'add', { userId: OWNER, channelId: CHANNEL });
    const { limited, retried } = await retriedAfterRateLimit('views.open', before);
    expect(limited.response.error).toBe('ratelimited');
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
    const metrics = await (await fetch(`${r.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^roster_slack_api_rate_limited_total [1-9]/m);
  });

  it('the CSV download (plain fetch) honours Retry-After too', async () => {
    const before = r.fake.calls().length;
    r.fake.failNext('$download', 'ratelimited');
    const { event } = channelUpload(r.fake.addFile({ name: 'more-hires.csv', user: OWNER, bytes: csvBytes([userRow('ben')]) }));
    expect((await r.sim.event(event)).status).toBe(200);
    const { limited, retried } = await retriedAfterRateLimit('$download', before);
    expect(limited.response.status).toBe(429);
    expect(retried.response.status).toBe(200);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
    const preview = await r.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.response.ok === true && JSON.stringify(c.args.blocks).includes('Verified more-hires.csv'),
      { after: before },
    );
    expect(JSON.stringify(preview.args.blocks)).toMatch(/\*Ready to add\*\\n1/);
  });

  it('the upload of the problems file (Bolt’s client posts it to the upload URL) honours Retry-After too', async () => {
    const before = r.fake.calls().length;
    r.fake.failNext('$upload', 'ratelimited');
    const { event } = channelUpload(
      r.fake.addFile({ name: 'bad-hires.csv', user: OWNER, bytes: csvBytes([userRow('cem'), 'bad name@contoso.onmicrosoft.com,Bad,,Bad,,,,,,,,,,,,']) }),
    );
    expect((await r.sim.event(event)).status).toBe(200);
    const { limited, retried } = await retriedAfterRateLimit('$upload', before);
    expect(limited.response.status).toBe(429);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
    const completed = await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true, { after: before });
    expect(String(completed.args.initial_comment)).toContain('bad-hires.csv');
  });
});
