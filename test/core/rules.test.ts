import { describe, expect, it } from 'vitest';
import { findProduct } from '../../src/core/catalogue/find-product.js';
import { PRODUCTS } from '../../src/core/catalogue/catalogue.js';
import { generatePassword, GENERATED_PASSWORD_BITS } from '../../src/core/passwords/generate-password.js';
import { hashChosenPassword, hashGeneratedPassword, verifyPassword } from '../../src/core/passwords/hash-password.js';
import { passwordProblem } from '../../src/core/rules/password-policy.js';
import { profileFieldProblems } from '../../src/core/rules/profile-fields.js';
import { profileTextProblem } from '../../src/core/rules/profile-text.js';
import { parseUsername } from '../../src/core/rules/username.js';
import { normalizeUsageLocation } from '../../src/core/rules/usage-location.js';
import { proposeInitialDomain } from '../../src/core/tenant/initial-domain.js';
import { aliasFromProfile } from '../../src/core/tenant/alias-from-profile.js';

describe('catalogue', () => {
  it("ships every product of Microsoft's catalogue with its apps", () => {
    expect(PRODUCTS).toHaveLength(569);
    // 5,457 rows in Microsoft's file, 9 of them repeats of a product/plan pair.
    expect(PRODUCTS.reduce((n, p) => n + p.plans.length, 0)).toBe(5448);
  });

  it('finds products by part number, name words, and prefers what the tenant owns', () => {
    expect(findProduct('o365_business_essentials')).toMatchObject({ ok: true, product: { displayName: 'Microsoft 365 Business Basic' } });
    const basic = findProduct('business basic');
    expect(basic.ok && [basic.product.partNumber, basic.alsoNamedAlike.map((p) => p.partNumber)]).toEqual([
      'O365_BUSINESS_ESSENTIALS',
      ['SMB_BUSINESS_ESSENTIALS'],
    ]);
    expect(findProduct('business premium')).toMatchObject({ ok: true, product: { partNumber: 'SPB' } });
    expect(findProduct('office 365 e3')).toMatchObject({ ok: true, product: { partNumber: 'ENTERPRISEPACK' } });
    const owned = PRODUCTS.find((p) => p.partNumber === 'SMB_BUSINESS_ESSENTIALS')!;
    expect(findProduct('business basic', [owned.skuId])).toMatchObject({ ok: true, product: { partNumber: 'SMB_BUSINESS_ESSENTIALS' } });
    expect(findProduct('')).toMatchObject({ ok: false });
  });
});

describe('passwords', () => {
  it('generates policy-compliant, distinct passwords with over 90 bits of entropy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const password = generatePassword();
      expect(passwordProblem(password)).toBeNull();
      expect(password).toMatch(/^[A-Za-z0-9]/);
      seen.add(password);
    }
    expect(seen.size).toBe(500);
    expect(GENERATED_PASSWORD_BITS).toBeGreaterThanOrEqual(90);
  });

  it('applies the policy with messages that never echo the password', () => {
    expect(passwordProblem('Ab1!')).toBe('The password must be at least 8 characters (it has 4).');
    expect(passwordProblem('abcdefgh1')).toMatch(/too weak.*missing uppercase letters and symbols/);
    expect(passwordProblem('Abcdefgh1')).toBeNull();
    expect(passwordProblem('Abcdéfgh1')).toMatch(/not allowed/);
    expect(passwordProblem(`${'a'.repeat(250)}B1!xyzw`)).toMatch(/at most 256/);
  });

  it('verifies both hash kinds and rejects a wrong password', async () => {
    const fast = hashGeneratedPassword('Xy7#abcdEFGH2345');
    expect(await verifyPassword('Xy7#abcdEFGH2345', fast)).toBe(true);
    expect(await verifyPassword('Xy7#abcdEFGH2346', fast)).toBe(false);
    const slow = await hashChosenPassword('Correct-Horse-9');
    expect(slow).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('Correct-Horse-9', slow)).toBe(true);
    expect(await verifyPassword('correct-horse-9', slow)).toBe(false);
  });
});

describe('usernames and locations', () => {
  it.each([
    ['ana@contoso.com', null],
    ["o'brien.j-x_y!#^~@contoso.com", null],
    ['ana', 'needs a domain'],
    ['a@b@contoso.com', 'only one @'],
    ['ana.@contoso.com', "can't end with a period"],
    ['ana silva@contoso.com', "can't contain space"],
    ['anä@contoso.com', 'can\'t contain "ä"'],
    [' ana@contoso.com', 'starts or ends with a space'],
    [`${'a'.repeat(31)}@contoso.com`, 'the most is 30'],
    [`${'a'.repeat(40)}@${'b'.repeat(35)}.com`, 'the most is 30'], // with an alias of 30 and a domain of 48 at most, 79 in all always holds
    [`a@${'b'.repeat(46)}.com`, 'the most is 48'],
  ])('%s', (value, problem) => {
    const parsed = parseUsername(value);
    if (problem === null) expect(parsed.ok).toBe(true);
    else expect(!parsed.ok && parsed.message).toContain(problem);
  });

  it('accepts usage locations by code in any case or by English name', () => {
    expect(normalizeUsageLocation('nl')).toEqual({ ok: true, code: 'NL' });
    expect(normalizeUsageLocation('Netherlands')).toEqual({ ok: true, code: 'NL' });
    expect(normalizeUsageLocation('XX')).toMatchObject({ ok: false, message: expect.stringMatching(/two-letter ISO 3166 code/) });
  });

  it('proposes an initial domain and a first admin alias', () => {
    expect(proposeInitialDomain('Zoë & Co. Ltd')).toBe('zoecoltd.onmicrosoft.com');
    expect(aliasFromProfile({ email: 'olivia.o+it@example.com', displayName: 'x' })).toBe('olivia.oit');
    expect(aliasFromProfile({ displayName: 'Renée  Dupont' })).toBe('renee.dupont');
    expect(aliasFromProfile({ displayName: '李' })).toBe('admin');
  });
});

describe('profile text (display names and other profile fields)', () => {
  it('refuses every control character, C0 and C1, and allows line feeds only where a field has lines', () => {
    const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)];
    for (const code of controls) {
      const value = `Ana${String.fromCharCode(code)}Silva`;
      expect(profileTextProblem('Display name', value), code.toString(16)).toMatch(/^Display name holds a control character/);
      if (code !== 0x0a) expect(profileTextProblem('Street address', value, { multiline: true }), code.toString(16)).toMatch(/holds a control character/);
    }
    expect(profileTextProblem('Street address', '1 Main St\nFloor 2', { multiline: true })).toBeNull();
  });

  it('refuses a value with nothing visible, and keeps invisible characters next to visible ones', () => {
    for (const value of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u200E\u202E', ' \u3000\u200B', '\u3164'])
      expect(profileTextProblem('Display name', value), JSON.stringify(value)).toMatch(/^Display name has no visible characters/);
    for (const value of ['Ana', '👩\u200D💻', '\u0645\u06CC\u200C\u0631', 'Zoë', '李'])
      expect(profileTextProblem('Display name', value), JSON.stringify(value)).toBeNull();
  });

  it('never quotes the value', () => {
    expect(profileTextProblem('Job title', 'Secret\u0000')).not.toContain('Secret');
    expect(profileFieldProblems({ jobTitle: 'Secret\u001B', displayName: '\u200BSecret\u200B'.replace('Secret', '') })).toEqual([
      { field: 'displayName', message: expect.stringMatching(/^Display name has no visible characters/) },
      { field: 'jobTitle', message: expect.stringMatching(/^Job title holds a control character/) },
    ]);
  });
});
