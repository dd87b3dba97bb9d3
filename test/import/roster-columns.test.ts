import { describe, expect, it } from 'vitest';
import { adminCenterHeaderLine, matchAdminCenterHeader } from '../../src/core/import/admin-center-layout.js';

const ADMIN_2024 = adminCenterHeaderLine('admin-center-2024');

describe("Roster's own columns after the admin center's", () => {
  it.each([
    [['Start date'], ['startDate']],
    [['Manager'], ['manager']],
    [
      ['Manager', 'Start date'],
      ['manager', 'startDate'],
    ],
    [
      ['Startdatum', 'Manager'],
      ['startDate', 'manager'],
    ],
  ])('%j are read by their labels, in the order they come', (extra, fields) => {
    const matched = matchAdminCenterHeader([...ADMIN_2024, ...extra], 1);
    if (matched.ok !== true) throw new Error(JSON.stringify(matched));
    expect(matched.map.layout).toBe('admin-center-2024');
    expect(matched.map.fields.slice(ADMIN_2024.length)).toEqual(fields);
    fields.forEach((field, i) => expect(matched.map.columnLabels[field as 'manager' | 'startDate']).toBe(extra[i]));
  });

  it('a column repeated, or one Roster does not know, is not taken for them', () => {
    expect(matchAdminCenterHeader([...ADMIN_2024, 'Manager', 'Manager'], 1)).toEqual({ ok: 'no-match' });
    expect(matchAdminCenterHeader([...ADMIN_2024, 'Cost centre'], 1)).toEqual({ ok: 'no-match' });
  });
});
