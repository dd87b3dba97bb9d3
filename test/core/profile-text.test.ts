/**
 * Security review, issue 20 item 12: a display name of only invisible characters (zero-width
 * space, joiners, word joiner, BOM) or with a control character (NUL, ESC, other C0/C1 controls)
 * is refused by every path that accepts one, and so is any other profile text with a control
 * character. One rule (src/core/rules/profile-text.ts), every path tested here on a real database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyImport } from '../../src/core/bulk/index.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { addUser } from '../../src/core/users/add-user.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/entra-layout.js';
import { formatCsvLine } from '../support/sample-import-file.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser, newUser } from './user-admin-fixture.js';

/** Display names that show nothing: zero-width space, non-joiner, joiner, word joiner, BOM. */
const INVISIBLE_NAMES = ['\u200B', '\u200C\u200D', '\u2060', '\uFEFF\u200B', ' \u200B\u00A0'];
/** Names holding a control character: NUL, BEL, ESC, DEL, C1 (NEL, CSI), a tab, a line break. */
const CONTROL_NAMES = ['Ana\u0000', 'Ana\u0007 Silva', 'Ana\u001B[31m', 'Ana\u007F', 'Ana\u0085', 'Ana\u009BSilva', 'Ana\tSilva', 'Ana\nSilva'];
const BAD_NAMES = [...INVISIBLE_NAMES, ...CONTROL_NAMES];
const REFUSED = /has no visible characters|holds a control character/;

let db: TestDatabase;
let dir: string;
let anaId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  anaId = await makeUser(db.ctx, 'ana');
  await makeUser(db.ctx, 'bob');
  dir = mkdtempSync(path.join(tmpdir(), 'roster-profile-text-'));
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const fieldsOf = (result: { ok: boolean; fields?: { field: string; message: string }[] }) =>
  Object.fromEntries((result.ok ? [] : (result.fields ?? [])).map((f) => [f.field, f.message]));

describe('one rule for display names and profile text', () => {
  it('Add user refuses an invisible or control-character display name, and a control character in any profile field', async () => {
    for (const displayName of BAD_NAMES) {
      const result = await addUser(db.ctx, OWNER, newUser('zed', { displayName }));
      expect(fieldsOf(result).displayName, JSON.stringify(displayName)).toMatch(REFUSED);
    }
    const names = await addUser(db.ctx, OWNER, newUser('zed', { firstName: '\u200B', lastName: '\u200D', displayName: '' }));
    expect(fieldsOf(names).firstName).toMatch(/has no visible characters/);
    const job = await addUser(db.ctx, OWNER, newUser('zed', { jobTitle: 'Engineer\u0000' }));
    expect(fieldsOf(job).jobTitle).toMatch(/holds a control character/);
    // Visible text with joiners (an emoji sequence, a Persian name) and an address over lines are fine.
    const fine = await addUser(db.ctx, OWNER, newUser('zed', { displayName: 'Zed 👩\u200D💻 \u0645\u06CC\u200C\u0631', address: '1 Main St\nFloor 2' }));
    expect(fine.ok, JSON.stringify(fine)).toBe(true);
  });

  it('Edit user refuses them, from the form and from the command line', async () => {
    for (const displayName of BAD_NAMES) {
      const form = await editUser(db.ctx, OWNER, { userId: anaId }, { details: { firstName: 'Ana', lastName: 'Test', displayName } });
      expect(fieldsOf(form).displayName, JSON.stringify(displayName)).toMatch(REFUSED);
      const patch = await editUser(db.ctx, OWNER, { username: 'ana' }, { detailsPatch: { displayName } });
      expect(fieldsOf(patch).displayName, JSON.stringify(displayName)).toMatch(REFUSED);
    }
    const city = await editUser(db.ctx, OWNER, { username: 'ana' }, { detailsPatch: { city: 'Delft\u001B' } });
    expect(fieldsOf(city).city).toMatch(/holds a control character/);
    const stored = await db.db.selectFrom('DirectoryUser').select(['displayName', 'city']).where('id', '=', anaId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ displayName: 'ana Test', city: null });
  });

  it('Edit many refuses the edit as a whole, naming the field, and changes nobody', async () => {
    for (const jobTitle of ['\u200B', 'Dev\u0000', 'Dev\u0085']) {
      const result = await editManyUsers(db.ctx, OWNER, {
        usernames: ['ana@contoso.onmicrosoft.com', 'bob@contoso.onmicrosoft.com'],
        detailsPatch: { jobTitle },
        licenses: { mode: 'keep' },
      });
      expect(result.ok).toBe(false);
      expect(fieldsOf(result).jobTitle, JSON.stringify(jobTitle)).toMatch(REFUSED);
    }
    const jobs = await db.db.selectFrom('DirectoryUser').select('jobTitle').where('aliasKey', 'in', ['ana', 'bob']).execute();
    expect(jobs.map((j) => j.jobTitle)).toEqual([null, null]);
  });

  it('an import refuses such rows, and in a file that holds passwords says so without the value', async () => {
    const header =
      'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';
    const file = path.join(dir, 'hires.csv');
    writeFileSync(
      file,
      [
        header,
        'zw1@contoso.onmicrosoft.com,,,\u200B\u200C,,,,,,,,,,,,',
        'esc1@contoso.onmicrosoft.com,,,Esc\u001B[2J,,,,,,,,,,,,',
        'c1@contoso.onmicrosoft.com,,,C One,Dev\u0085,,,,,,,,,,,',
        'ok1@contoso.onmicrosoft.com,,,Ok One,,,,,,,,"1 Main St\nFloor 2",,,,',
      ].join('\r\n'),
    );
    const plain = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'hires.csv', fileId: null });
    if (!plain.ok) throw new Error(plain.message);
    expect(plain.preview.rowsReady).toBe(1);
    expect(plain.preview.firstProblems.map((p) => [p.rowNumber, p.column, p.message])).toEqual([
      [2, 'Display Name', expect.stringMatching(/^Display Name has no visible characters/)],
      [3, 'Display Name', expect.stringMatching(/^Display Name holds a control character/)],
      [4, 'Job Title', expect.stringMatching(/^Job Title holds a control character/)],
    ]);

    const entra = path.join(dir, 'entra.csv');
    writeFileSync(entra, ['version:v1.0', formatCsvLine([...ENTRA_TEMPLATE_HEADERS]), 'Se\u0007cret-Pass,zw2@contoso.onmicrosoft.com,,No'].join('\r\n'));
    const withPasswords = await verifyImport(db.ctx, OWNER, { path: entra, fileName: 'entra.csv', fileId: null });
    if (!withPasswords.ok) throw new Error(withPasswords.message);
    const messages = withPasswords.preview.firstProblems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/holds a control character/);
    expect(messages).not.toMatch(/Se.?cret/);
  });

  it('an invited guest gets no such display name, given or made from the email', async () => {
    for (const displayName of BAD_NAMES) {
      const result = await inviteGuest(db.ctx, OWNER, { email: 'gus@fabrikam.com', displayName });
      expect(fieldsOf(result).displayName, JSON.stringify(displayName)).toMatch(REFUSED);
    }
    const fromEmail = await inviteGuest(db.ctx, OWNER, { email: '\u200B@fabrikam.com' });
    expect(fieldsOf(fromEmail).email).toMatch(/not a valid email address/);
    const control = await inviteGuest(db.ctx, OWNER, { email: 'gus\u0000@fabrikam.com' });
    expect(fieldsOf(control).email).toMatch(/not a valid email address/);
  });

  it("setup does not take such a name from the Slack profile: the first admin's display name falls back to their username", async () => {
    const other = await createTestDatabase();
    try {
      const result = await setupTenant(
        other.ctx,
        { teamId: TEAM, slackUserId: 'U0FIRST' },
        {
          organizationName: 'Fabrikam',
          initialDomain: 'fabrikam',
          requester: {
            isWorkspaceOwnerOrAdmin: true,
            isBootstrapAdmin: false,
            firstName: '\u200B',
            lastName: 'Lee\u0000',
            displayName: '\u200B\u2060',
            email: 'kim@example.com',
          },
        },
      );
      expect(result.ok, JSON.stringify(result)).toBe(true);
      const admin = await other.db.selectFrom('DirectoryUser').select(['displayName', 'firstName', 'lastName']).executeTakeFirstOrThrow();
      expect(admin).toEqual({ displayName: 'kim', firstName: null, lastName: null });
    } finally {
      await other.destroy();
    }
  });
});
