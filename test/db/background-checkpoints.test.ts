import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, BackgroundCheckpoints, type CheckpointDone } from '../../src/db/background-checkpoints.js';
import { copyTemplateDatabase } from '../support/test-db.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';

const dirs: string[] = [];
const opened: OpenDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(backgroundCheckpoints: boolean): Promise<OpenDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-checkpoints-'));
  dirs.push(dir);
  copyTemplateDatabase(path.join(dir, 'roster.db'));
  const db = await openDatabase(`file:${path.join(dir, 'roster.db')}`, { backgroundCheckpoints });
  opened.push(db);
  return db;
}

describe('background checkpoints', () => {
  it("copy committed pages into the database file from a worker thread; the app's connection only keeps a backstop", async () => {
    const db = await open(true);
    expect(db.checkpoints).not.toBeNull();
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
    const done = once(db.checkpoints!, 'checkpoint') as Promise<[CheckpointDone]>;
    db.sqlite!.exec('CREATE TABLE filler (text TEXT)');
    const insert = db.sqlite!.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(4000));
    const [checkpoint] = await done;
    expect(checkpoint.pages).toBeGreaterThan(0);
  });

  it('are off unless asked for (tests, short CLI commands), and the connection checkpoints itself as SQLite does', async () => {
    const db = await open(false);
    expect(db.checkpoints).toBeNull();
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('let a long writer wait, off the event loop, until every page is copied, so its next transaction starts the WAL over', async () => {
    const db = await open(false);
    db.sqlite!.pragma('wal_autocheckpoint = 0'); // only the worker checkpoints here
    const checkpoints = BackgroundCheckpoints.start(db.file!, { intervalMs: 10, catchUpAtPages: 50 });
    try {
      db.sqlite!.exec('CREATE TABLE filler (text TEXT)');
      const insert = db.sqlite!.prepare('INSERT INTO filler VALUES (?)');
      const reported = new Promise<void>((resolve) =>
        checkpoints.on('checkpoint', (done: CheckpointDone) => {
          if (done.walPages >= 50) resolve();
        }),
      );
      for (let i = 0; i < 100; i++) insert.run('x'.repeat(4000));
      await reported;
      // The writer went on meanwhile; catchUp copies what it wrote since.
      for (let i = 0; i < 20; i++) insert.run('y'.repeat(4000));
      await checkpoints.catchUp();
      insert.run('z');
      // The WAL started over at that transaction: it holds only the pages of that one insert.
      const [state] = db.sqlite!.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      expect(state!.log).toBeLessThan(10);
    } finally {
      await checkpoints.stop();
    }
  });
});
