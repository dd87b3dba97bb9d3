import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under a folder of src/, with its text. */
function sources(folder: string): { file: string; text: string }[] {
  const root = path.join('src', folder);
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

const SQL = /\b(SELECT\s[\s\S]*?\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+"?[A-Za-z]+"?\s+SET)\b/;

describe('the layers keep to their places', () => {
  it('the core imports nothing from Slack', () => {
    const offenders = sources('core').filter(({ text }) => /from '(@slack\/|\.\.\/.*slack\/)/.test(text));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('listeners and services never check permissions themselves: the core decides', () => {
    const offenders = sources('slack').filter(({ text }) => text.includes('core/access/authorize'));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('SQL is written only in the data layer (src/store, and the migrator in src/db)', () => {
    const outside = ['core', 'slack', 'cli', 'config'].flatMap(sources).filter(({ text }) => SQL.test(text));
    expect(outside.map((o) => o.file)).toEqual([]);
  });
});
