/**
 * vitest.config.ts `globalSetup`: migrates one SQLite file once per run; every test database is a
 * copy of it (`createTestDatabase`, `copyTemplateDatabase`), so no test replays the migrations.
 * `test/db/migrations.test.ts` still migrates databases from scratch and from old versions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/open-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database file (see test/support/template-database.ts). */
    templateDatabase: string;
  }
}

export default async function migrateTemplate(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-template-'));
  const file = path.join(dir, 'roster.db');
  const database = await openDatabase(`file:${file}`);
  // One file, no -wal beside it, so that a plain copy is the whole database.
  database.sqlite!.pragma('journal_mode = DELETE');
  await database.close();
  project.provide('templateDatabase', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
