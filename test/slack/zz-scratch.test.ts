import { afterAll, beforeAll, it } from 'vitest';
import { makeUser } from '../lifecycle/helpers.js';
import { OWNER, startConnectedRoster, type ConnectedRoster } from './connected-slack.js';
let c: ConnectedRoster;
beforeAll(async () => {
  c = await startConnectedRoster();
  await makeUser(c.r.db.ctx, 'ana', {}, c.owner);
});
afterAll(async () => c.stop());
it('explore', async () => {
  for (const [cmd, t] of [
    ['/licenses', 'set business basic 8'],
    ['/users', 'domains add fabrikam.com'],
    ['/licenses', 'reclaim'],
    ['/users', 'offboard ana@contoso.onmicrosoft.com'],
    ['/licenses', 'takeover business basic'],
    ['/users', 'setup'],
    ['/licenses', ''],
    ['/users', 'show ana@contoso.onmicrosoft.com'],
    ['/users', 'domains'],
    ['/licenses', 'alerts'],
  ]) {
    const before = c.r.fake.calls().length;
    const res = await c.r.sim.command(cmd!, t!, { userId: OWNER });
    await new Promise((ok) => setTimeout(ok, 300));
    console.log(
      'CMD',
      cmd,
      t,
      '=>',
      JSON.stringify(res.body).slice(0, 600),
      '| later:',
      JSON.stringify(
        c.r.fake
          .calls()
          .slice(before)
          .filter((x) => x.method !== 'views.publish')
          .map((x) => [x.method, JSON.stringify(x.args).slice(0, 400)]),
      ),
    );
  }
});
