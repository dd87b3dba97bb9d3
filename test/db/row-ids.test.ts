import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/store/row-ids.js';

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose text sorts by the time it was made', () => {
    const at = Date.parse('2026-12-03T12:00:00Z');
    const ids = [timeOrderedId(at + 2), timeOrderedId(at), timeOrderedId(at + 1), timeOrderedId(at + 60_000)];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
    expect(Number.parseInt(ids[1]!.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(at))).size).toBe(1000);
  });
});
