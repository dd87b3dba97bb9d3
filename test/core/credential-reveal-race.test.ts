import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { holdCredential } from '../../src/core/credentials/hold-credential.js';
import { revealCredential } from '../../src/core/credentials/reveal-credential.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../lifecycle/helpers.js';

/*
 * A temporary password is shown once. Its recipient presses Show password twice, and the two
 * presses reach two instances at the same moment: one shows it, the other says it was already
 * shown (never that it expired, which would send an admin to reset a password that was seen).
 */
describeOnEachDatabase('showing a temporary password from two instances at once', (kind) => {
  let db: TestDatabase;
  let other: Runtime;
  const key = randomBytes(32);
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    other = await createRuntime({
      databaseUrl: db.url,
      logger: createLogger('error', () => undefined),
      ...(kind === 'sqlite' ? { database: db.runtime.database } : { secretKey: key }),
    });
  });
  afterEach(async () => {
    await other.shutdown();
    await db.destroy();
  });

  it('shows it on one and says "already shown" on the other', async () => {
    await seedTenant(db.ctx);
    const held: string[] = [];
    for (let i = 0; i < 12; i++) {
      const user = await makeUser(db.ctx, `kim${i}`);
      const notice = {
        occasion: 'added' as const,
        displayName: `kim${i}`,
        userPrincipalName: user.upn,
        temporaryPassword: user.password,
        mustChangeAtNextSignIn: true,
        passwordExpiresAt: null,
        licenses: [],
      };
      const kept = await holdCredential(db.ctx, key, { notice, recipient: OWNER.slackUserId, sentBy: OWNER.slackUserId });
      if (!kept.ok) throw new Error(kept.message);
      held.push(kept.id);
    }
    for (const id of held) {
      const presses = await Promise.all([revealCredential(db.ctx, key, OWNER, id), revealCredential(other.core, key, OWNER, id)]);
      const kinds = presses.map((press) => (press.ok ? press.outcome.kind : press.code)).sort();
      expect(kinds).toEqual(['already_viewed', 'revealed']);
    }
  });
});
