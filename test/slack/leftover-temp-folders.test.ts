import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRosterUnderTest } from '../support/roster-under-test.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A download folder as withDownloadedFile makes it, with a CSV inside, last changed an hour ago. */
function downloadFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  writeFileSync(path.join(dir, 'upload.csv'), 'User Name,First Name\r\nana@contoso.onmicrosoft.com,Ana\r\n');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(dir, hourAgo, hourAgo);
  return dir;
}

/** An export folder as exportViewToDm makes it, with the directory's CSV inside, last changed an hour ago (or now). */
function exportFolder(prefix: string, changed = new Date(Date.now() - 3_600_000)): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  writeFileSync(path.join(dir, 'All users.csv'), '\uFEFFDisplay name,User principal name\r\nAna,ana@contoso.onmicrosoft.com\r\n');
  utimesSync(dir, changed, changed);
  return dir;
}

/** The id of a process that has ended. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('at start', () => {
  it('removes the import downloads a crashed Roster left in the temp folder, not those of a running process', async () => {
    const crashed = downloadFolder(`roster-import-${await endedPid()}-`);
    const olderNaming = downloadFolder('roster-import-');
    // The test runner (this process's parent) is running: a folder of its could be a download in progress.
    const running = downloadFolder(`roster-import-${process.ppid}-`);
    const r = await startRosterUnderTest();
    try {
      expect(existsSync(crashed)).toBe(false);
      expect(existsSync(olderNaming)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(r.logs.some((line) => /removed leftover temporary folders/.test(line) && /"imports":[1-9]/.test(line))).toBe(true);
    } finally {
      await r.stop();
    }
  });

  it('removes the exports a crashed Roster left in the temp folder, not those of a running process nor those made since it started', async () => {
    const crashed = exportFolder(`roster-export-${await endedPid()}-`);
    // The test runner is running: a folder of its could be an export being uploaded.
    const running = exportFolder(`roster-export-${process.ppid}-`);
    // Changed after this process started: an export this very process may be writing.
    const fresh = exportFolder(`roster-export-${await endedPid()}-`, new Date(Date.now() + 60_000));
    const r = await startRosterUnderTest();
    try {
      expect(existsSync(crashed)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(fresh)).toBe(true);
      expect(r.logs.some((line) => /removed leftover temporary folders/.test(line) && /"exports":[1-9]/.test(line))).toBe(true);
    } finally {
      await r.stop();
    }
  });
});
