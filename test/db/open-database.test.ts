import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { projectRoot } from '../../src/project-root.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-dbtest-'));
  dirs.push(dir);
  return dir;
};

describe('the database file', () => {
  it('is found from the project folder, not from wherever the command was started', () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(sqlitePathFromUrl('file:./data/roster.db')).toBe(path.join(projectRoot(), 'data', 'roster.db'));
      expect(sqlitePathFromUrl('file:/srv/roster/roster.db')).toBe('/srv/roster/roster.db');
      expect(sqlitePathFromUrl('file::memory:')).toBe(':memory:');
    } finally {
      process.chdir(cwd);
    }
  });

  it('is created readable by its owner only, in a folder only its owner can enter', async () => {
    const file = path.join(tempDir(), 'fresh', 'roster.db');
    const db = await openDatabase(`file:${file}`);
    await db.db.selectFrom('Tenant').selectAll().execute();
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    for (const suffix of ['', '-wal', '-shm']) expect(statSync(file + suffix).mode & 0o777).toBe(0o600);
    await db.close();
  });

  it('tightens an existing folder it owns that holds only the database (a Docker volume made 0755), and says so', async () => {
    const folder = path.join(tempDir(), 'volume');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const file = path.join(folder, 'roster.db');
    const db = await openDatabase(`file:${file}`);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(db.folderAccess).toEqual({ folder, was: 0o755, tightened: true });
    await db.close();
    // The next start finds it private: nothing to say.
    const again = await openDatabase(`file:${file}`);
    expect(again.folderAccess).toBeNull();
    await again.close();
  });

  it('leaves a folder that holds other files as it is, and says that it is open to others', async () => {
    const folder = tempDir();
    chmodSync(folder, 0o755);
    writeFileSync(path.join(folder, 'notes.txt'), "not Roster's");
    const db = await openDatabase(`file:${path.join(folder, 'roster.db')}`);
    expect(statSync(folder).mode & 0o777).toBe(0o755);
    expect(db.folderAccess).toEqual({ folder, was: 0o755, tightened: false });
    await db.close();
  });

  it('tightens a database an older Roster made world-readable', async () => {
    const file = path.join(tempDir(), 'roster.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const db = await openDatabase(`file:${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await db.close();
  });
});
