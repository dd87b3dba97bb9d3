import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import type { MemberActor } from '../../src/core/context.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { addUser } from '../../src/core/users/add-user.js';
import { OperationProcesses } from '../support/operation-processes.js';
import type { Operation } from '../support/operation-worker.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/*
 * Issue 15 item 2: what SQLite's one writer kept true must hold on PostgreSQL with several
 * processes writing at once. Three Roster processes on one PostgreSQL database run random
 * operations (fast-check, fixed seed) on one organization at the same moment: licenses assigned,
 * unassigned and set, users added (the same usernames from several processes), deleted, restored
 * (their licenses given back), blocked and unblocked (the two Global admins blocking and deleting
 * each other), purchases (the same form submission from several processes), quantities lowered,
 * Edit many, bulk actions and imports. Afterwards `roster check` finds no difference (seats,
 * search index, a Global admin who can sign in), every purchase was made once per submission,
 * and no operation failed with anything but a refusal a person can read.
 */
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const BI = productByPartNumber('POWER_BI_PRO')!;
const PROCESSES = 3;
const USERS = ['u0', 'u1', 'u2', 'u3'];
type Who = 'alice' | 'bob';
/** An operation as generated: its actor and users by name, resolved per organization. */
type Planned = Operation & { by: Who };

const partNumber = fc.constantFrom(BASIC.partNumber, BI.partNumber);
const someone = fc.constantFrom(...USERS, 'alice', 'bob', 'n0', 'n1');
const by = fc.constantFrom<Who>('alice', 'bob');
const products = fc.subarray([BASIC.skuId, BI.skuId]);
const none = { teamId: '', slackUserId: '' };
const planned: fc.Arbitrary<Omit<Planned, 'actor'>> = fc
  .oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('assign' as const, 'unassign' as const), by, product: partNumber, user: someone }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('setLicenses' as const), by, user: someone, products }) },
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'restore' as const, 'block' as const, 'unblock' as const), by, user: someone }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), by, alias: fc.constantFrom('n0', 'n1', 'n2'), products }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('buy' as const),
        by,
        product: partNumber,
        quantity: fc.integer({ min: 1, max: 2 }),
        requestKey: fc.constantFrom('V1', 'V2'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('quantity' as const), by, product: partNumber, quantity: fc.integer({ min: 1, max: 5 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('editMany' as const),
        by,
        users: fc.subarray(USERS, { minLength: 1, maxLength: 3 }),
        mode: fc.constantFrom('add' as const, 'replace' as const),
        products: fc.subarray([BASIC.skuId, BI.skuId], { minLength: 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('bulk' as const),
        by,
        action: fc.constantFrom('delete' as const, 'restore' as const, 'block' as const),
        users: fc.subarray([...USERS, 'alice', 'bob'], { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('import' as const), by, rows: fc.subarray(['i0', 'i1', 'i2', 'n0'], { minLength: 1 }), products }) },
  )
  .map((step) => ({ ...step, actor: none }) as Planned);

let db: TestDatabase;
let processes: OperationProcesses;
let organizations = 0;

/** A new organization: Alice and Bob its Global admins, seats of two products, four users (two licensed). */
async function organization(): Promise<{ teamId: string; domain: string }> {
  const n = ++organizations;
  const teamId = `T0CONC${n}`;
  const alice: MemberActor = { teamId, slackUserId: 'U0ALICE' };
  const person = { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, email: 'alice@example.com' };
  const setup = await setupTenant(db.ctx, alice, {
    organizationName: `Concurrent ${n}`,
    initialDomain: `conc${n}`,
    requester: { ...person, firstName: 'Alice', lastName: 'A', displayName: 'Alice A' },
  });
  if (!setup.ok) throw new Error(setup.message);
  const domain = `conc${n}.onmicrosoft.com`;
  const add = async (alias: string, more: object) => {
    const added = await addUser(db.ctx, alice, { displayName: alias, alias, domain, password: { mode: 'auto' }, usageLocation: 'NL', ...more });
    if (!added.ok) throw new Error(`${alias}: ${added.message}`);
  };
  await add('bob', { roles: ['global_admin'], alternateEmail: 'bob@example.com', slackUserId: 'U0BOB' });
  await buyLicenses(db.ctx, alice, { product: BASIC.partNumber, quantity: 4 });
  await buyLicenses(db.ctx, alice, { product: BI.partNumber, quantity: 3 });
  for (const [i, alias] of USERS.entries()) await add(alias, i < 2 ? { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] } : {});
  return { teamId, domain };
}

describe.skipIf(!testPostgresUrl)('several Roster processes writing to one PostgreSQL database at once', () => {
  beforeAll(async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
    processes = await OperationProcesses.start(db.url, PROCESSES);
  }, 30_000);
  afterAll(async () => {
    await processes?.stop();
    await db?.destroy();
  });

  it('keeps every invariant: roster check finds no difference', async () => {
    const check = rosterCli(db);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(planned, { minLength: 6, maxLength: 10 }), { minLength: PROCESSES, maxLength: PROCESSES }), async (plans) => {
        const { teamId, domain } = await organization();
        const actors: Record<Who, MemberActor> = { alice: { teamId, slackUserId: 'U0ALICE' }, bob: { teamId, slackUserId: 'U0BOB' } };
        // Alice's alias comes from her Slack profile ("alice.a" or the like): named as the others are.
        const aliceUpn = (
          await db.db
            .selectFrom('DirectoryUser')
            .select('userPrincipalName')
            .where('slackUserId', '=', 'U0ALICE')
            .orderBy('createdAt', 'desc')
            .executeTakeFirstOrThrow()
        ).userPrincipalName;
        const aliceAlias = aliceUpn.slice(0, aliceUpn.indexOf('@'));
        const named = (user: string) => (user === 'alice' ? aliceAlias : user);
        const resolved = plans.map((plan) =>
          plan.map((planned): Operation => {
            const step = { ...planned, actor: actors[planned.by] } as unknown as Operation;
            if ('user' in step) return { ...step, user: named(step.user) };
            if (step.op === 'bulk') return { ...step, users: step.users.map(named) };
            if (step.op === 'buy') return { ...step, requestKey: `${teamId}:${step.requestKey}` };
            return step;
          }),
        );
        const outcomes = await processes.run(resolved, domain);

        const failures = outcomes.flatMap((list, p) =>
          list.flatMap((outcome, i) => (outcome.startsWith('error:') ? [`${resolved[p]![i]!.op}: ${outcome}`] : [])),
        );
        expect(failures).toEqual([]);
        // One purchase per form submission, whichever process received it.
        for (const key of ['V1', 'V2']) {
          const bought = resolved.flatMap((plan, p) =>
            plan.flatMap((step, i) => (step.op === 'buy' && step.requestKey === `${teamId}:${key}` ? [outcomes[p]![i]] : [])),
          );
          if (bought.some((outcome) => outcome?.startsWith('ok:'))) expect(bought.filter((outcome) => outcome === 'ok:bought')).toHaveLength(1);
        }
        const checked = await check('check');
        expect(checked.stderr).toBe('');
        expect(checked.code, checked.stdout).toBe(0);
      }),
      { numRuns: 10 },
    );
  }, 60_000);

  it('gives a username once: of three processes adding it at the same moment, one makes it and the others are told on its field', async () => {
    const { teamId, domain } = await organization();
    const aliases = Array.from({ length: 12 }, (_, i) => `same${i}`);
    const plan = (who: string): Operation[] => aliases.map((alias) => ({ op: 'add', actor: { teamId, slackUserId: who }, alias, products: [] }));
    const outcomes = await processes.run([plan('U0ALICE'), plan('U0BOB'), plan('U0ALICE')], domain);
    for (const [i] of aliases.entries()) {
      const tries = outcomes.map((list) => list[i]);
      expect(tries.filter((outcome) => outcome === 'ok')).toHaveLength(1);
      // Taken a moment ago (the unique index, mapped by the dialect) or found taken by the form's check: the alias field says so.
      expect(tries.filter((outcome) => outcome !== 'ok')).toEqual(['refused:invalid_input:alias', 'refused:invalid_input:alias']);
    }
  }, 30_000);
});
