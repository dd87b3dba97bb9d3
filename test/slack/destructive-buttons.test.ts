import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsMessage } from '../../src/slack/views/jobs-message.js';

const slackSources = () =>
  (readdirSync(path.join('src', 'slack'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && entry.name !== 'kit.ts')
    .map((entry) => path.join(entry.parentPath, entry.name));

describe('every destructive button asks first', () => {
  it('no red button is made without its confirmation dialog (destructiveButton in views/kit.ts)', () => {
    const offenders = slackSources().filter((file) => /\bbutton\([^)]*'danger'/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it("a job's Cancel carries Slack's confirm object", () => {
    const at = new Date('2026-12-04T10:00:00Z');
    const message = jobsMessage([
      {
        id: 'job-1',
        kind: 'edit.many',
        what: 'Edit users',
        status: 'running',
        progress: '100 of 1,000',
        requestedBy: 'U0ADMIN',
        createdAt: at,
        finishedAt: null,
        error: null,
        mayCancel: true,
      },
    ]);
    const cancel = JSON.stringify(message.blocks);
    expect(cancel).toContain('"confirm":{"title":{"type":"plain_text","text":"Cancel this job?"');
  });
});
