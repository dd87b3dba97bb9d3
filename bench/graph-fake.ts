/**
 * The fake Microsoft Graph of `npm run bench -- graph`, in a process of its own so that the sync's
 * peak memory is Roster's alone: `tsx bench/graph-fake.ts <users>` seeds a tenant of that many
 * users (each with a license), prints one JSON line (its URLs, tenant and app), and serves until
 * its standard input closes.
 */
import { productByPartNumber } from '../src/core/catalogue/catalogue.js';
import { startFakeGraph } from '../test/support/fake-graph.js';

const users = Number(process.argv[2] ?? '100000');
const graph = await startFakeGraph({ displayName: 'Contoso Bench', initialDomain: 'contoso.onmicrosoft.com' });
const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
graph.tenant.addSku({ skuId: basic.skuId, skuPartNumber: basic.partNumber, enabled: users + 10 });
const app = graph.registerApp({ permissions: ['User.Read.All', 'Organization.Read.All', 'Domain.Read.All'] });
graph.tenant.addUser({ userPrincipalName: 'bench@contoso.onmicrosoft.com', displayName: 'Bench Admin', usageLocation: 'NL' });
graph.tenant.seedUsers(users, { prefix: 'sync', license: { skuId: basic.skuId, disabledPlans: [] } });
// Graph's delta pages hold about 200 users.
graph.setPageSize(200);
process.stdout.write(
  `${JSON.stringify({ graphUrl: graph.graphUrl, loginUrl: graph.loginUrl, tenantId: graph.tenant.id, clientId: app.clientId, secret: app.secret })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void graph.close().then(() => process.exit(0)));
