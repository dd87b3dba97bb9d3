import { describe, expect, it } from 'vitest';
import { BatchPacer } from '../../src/core/bulk/batch-pacer.js';
import { batched } from '../../src/core/bulk/batched.js';

async function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe('BatchPacer', () => {
  it('moves each transaction toward the time budget, within its bounds', () => {
    const pacer = new BatchPacer(10, 10, 500, 50);
    expect(pacer.rows).toBe(50);
    pacer.took(50, 50); // 1 ms a row: 10 rows fit
    expect(pacer.rows).toBe(30);
    pacer.took(30, 30);
    expect(pacer.rows).toBe(20);
    for (let i = 0; i < 10; i++) pacer.took(pacer.rows, pacer.rows); // a slow machine: never below the floor
    expect(pacer.rows).toBe(10);
    for (let i = 0; i < 20; i++) pacer.took(pacer.rows, pacer.rows * 0.001); // a fast one: never above the cap
    expect(pacer.rows).toBe(500);
    pacer.took(0, 5);
    expect(pacer.rows).toBe(500);
  });
});

describe('batched', () => {
  it('asks for the size of each batch again', async () => {
    const sizes = [1, 2, 3];
    const batches: number[][] = [];
    for await (const batch of batched(count(10), () => sizes.shift() ?? 4)) batches.push(batch);
    expect(batches).toEqual([[0], [1, 2], [3, 4, 5], [6, 7, 8, 9]]);
  });
});
