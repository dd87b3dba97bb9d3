import { describe, expect, it } from 'vitest';
import { emptyFields, mapRecord, type ColumnMap } from '../../src/core/import/column-map.js';
import { DuplicateUsernameTracker, duplicateUsernameProblem, validateImportRow, type ImportUserFields } from '../../src/core/import/index.js';

const fields = (values: Partial<ImportUserFields>): ImportUserFields => ({ ...emptyFields(), ...values });

describe('validateImportRow', () => {
  it('accepts a complete row and returns it with its row number', () => {
    const row = validateImportRow(fields({ userName: 'chris@contoso.com', displayName: 'Chris Green' }), 7, {});
    expect(row).toEqual({ rowNumber: 7, fields: fields({ userName: 'chris@contoso.com', displayName: 'Chris Green' }), problems: [] });
  });

  it("names columns by the file's labels, or the template's English ones", () => {
    expect(validateImportRow(emptyFields(), 2, { userName: 'Gebruikersnaam' }).problems).toEqual([
      { column: 'Gebruikersnaam', message: 'Gebruikersnaam is required.' },
      { column: 'Display Name', message: 'Display Name is required.' },
    ]);
  });

  it('trims a username silently, and treats a whitespace-only one as missing', () => {
    expect(validateImportRow(fields({ userName: '  chris@contoso.com ', displayName: 'C' }), 2, {}).problems).toEqual([]);
    expect(validateImportRow(fields({ userName: '   ', displayName: 'C' }), 2, {}).problems).toEqual([
      { column: 'User Name', message: 'User Name is required.' },
    ]);
  });

  it('checks lengths with the profile limits', () => {
    const row = validateImportRow(fields({ userName: 'a@contoso.com', displayName: 'A', jobTitle: 'x'.repeat(70), postalCode: 'x'.repeat(40) }), 2, {
      jobTitle: 'Job Title',
    });
    expect(row.problems).toEqual([{ column: 'Job Title', message: 'Job Title is 70 characters; the most is 64.' }]);
  });

  it('normalizes a usage location to its code and refuses an unknown one', () => {
    const good = validateImportRow(fields({ userName: 'a@contoso.com', displayName: 'A', usageLocation: 'nl' }), 3, {});
    expect(good.fields.usageLocation).toBe('NL');
    expect(good.problems).toEqual([]);
    const bad = validateImportRow(fields({ userName: 'a@contoso.com', displayName: 'A', usageLocation: 'Atlantis' }), 3, {});
    expect(bad.problems).toEqual([{ column: 'Usage location', message: expect.stringContaining('"Atlantis" is not a country code') }]);
  });

  it('never puts an initial password in a message', () => {
    for (const password of ['hunter2hunter', 'Sh0rt!', 'Pässword-2025', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', `${'Ab1!'.repeat(70)}`]) {
      const row = validateImportRow(fields({ userName: 'a@contoso.com', displayName: 'A', initialPassword: password }), 3, {});
      expect(row.problems).toHaveLength(1);
      expect(row.problems[0]?.column).toBe('Initial password');
      expect(row.problems[0]?.message).not.toContain(password);
      expect(row.problems[0]?.message).toMatch(/^The initial password .* Leave it empty to have Roster generate one\.$/);
    }
    expect(validateImportRow(fields({ userName: 'a@contoso.com', displayName: 'A', initialPassword: 'Correct-Horse-7' }), 3, {}).problems).toEqual([]);
  });
});

describe('mapRecord', () => {
  const entra: ColumnMap = {
    layout: 'entra-v1',
    headerRowNumber: 2,
    headerLabels: ['Name [displayName] Required', 'User name [userPrincipalName] Required', 'Block sign in (Yes/No) [accountEnabled] Required', 'Notes'],
    fields: ['displayName', 'userName', 'blockSignIn', undefined],
    columnLabels: {
      displayName: 'Name [displayName] Required',
      userName: 'User name [userPrincipalName] Required',
      blockSignIn: 'Block sign in (Yes/No) [accountEnabled] Required',
    },
    strictColumnCount: false,
    countSource: 'the header row',
  };

  it('maps by position, ignoring unknown columns; an Entra row may stop early', () => {
    expect(mapRecord([' Chris Green ', 'chris@contoso.com', 'yes', 'hello'], entra, 3)).toEqual({
      fields: fields({ displayName: 'Chris Green', userName: 'chris@contoso.com', blockSignIn: true }),
      problems: [],
    });
    expect(mapRecord(['Chris Green', 'chris@contoso.com'], entra, 3).problems).toEqual([]);
  });

  it('refuses a value past the last column but not empty cells there', () => {
    expect(mapRecord(['A', 'a@contoso.com', 'No', '', '', ''], entra, 4).problems).toEqual([]);
    expect(mapRecord(['A', 'a@contoso.com', 'No', '', 'oops'], entra, 4).problems).toEqual([
      { column: '', message: expect.stringMatching(/^Row 4 has 5 columns; the header row has 4\./) },
    ]);
  });

  it('refuses a Block sign in that is not Yes or No', () => {
    expect(mapRecord(['A', 'a@contoso.com', 'Ja'], entra, 5).problems).toEqual([
      { column: 'Block sign in (Yes/No) [accountEnabled] Required', message: '"Ja" is not Yes or No: write Yes to block sign-in or No to allow it.' },
    ]);
  });
});

describe('DuplicateUsernameTracker', () => {
  it('returns the first row of a username seen before, case-insensitively', () => {
    const tracker = new DuplicateUsernameTracker();
    expect(tracker.see('chris@contoso.com', 2)).toBeUndefined();
    expect(tracker.see('ben@contoso.com', 3)).toBeUndefined();
    expect(tracker.see('Chris@CONTOSO.com', 4)).toBe(2);
    expect(tracker.see('chris@contoso.com', 9)).toBe(2);
    expect(tracker.see('chris@contoso.onmicrosoft.com', 10)).toBeUndefined();
    expect(tracker.distinctUsernames).toBe(3);
  });

  it('says which row holds the same username', () => {
    expect(duplicateUsernameProblem('User Name', 2)).toEqual({
      column: 'User Name',
      message: 'This username is also on row 2; each user can be in the file once. Remove one of the rows or change its username.',
    });
  });
});
