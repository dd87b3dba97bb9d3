import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config/env.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const readByCode = Object.keys(envSchema.shape).sort();

describe('every variable Roster reads is documented', () => {
  it('.env.example lists exactly the variables of src/config/env.ts', () => {
    const listed = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(readByCode);
  });

  it('.env.example says a relative database path is taken from the project folder', () => {
    expect(read('.env.example')).toMatch(/relative path is taken from the project folder/);
  });

  it("README's Environment table lists exactly the same variables", () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Environment'), readme.indexOf('\n## ', readme.indexOf('## Environment') + 1));
    const listed = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(readByCode);
  });
});
