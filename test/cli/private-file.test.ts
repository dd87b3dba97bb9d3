import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePrivateFileFrom } from '../../src/cli/private-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'roster-private-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePrivateFileFrom (the streaming private file)', () => {
  it('writes every chunk, strings and bytes, into a 0600 file', async () => {
    const out = path.join(dir, 'chunks.csv');
    async function* chunks() {
      yield '\uFEFFa,b\r\n';
      yield Buffer.from('é,1\r\n');
      yield 'x'.repeat(200_000);
    }
    await writePrivateFileFrom(out, chunks());
    expect(readFileSync(out, 'utf8')).toBe(`\uFEFFa,b\r\né,1\r\n${'x'.repeat(200_000)}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('leaves an existing file as it was, and no temporary file, when the chunks fail part-way', async () => {
    const out = path.join(dir, 'kept.csv');
    writeFileSync(out, 'old');
    async function* failing() {
      yield 'new rows';
      throw new Error('the query failed');
    }
    await expect(writePrivateFileFrom(out, failing(), { force: true })).rejects.toThrow('the query failed');
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
