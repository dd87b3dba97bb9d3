import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under src/slack, with its code (comments removed). */
function slackSources(): { file: string; code: string }[] {
  const root = path.join('src', 'slack');
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({
      file,
      code: readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
    }));
}

/**
 * The places that choose which workspace a piece of work talks to: the request's team (the
 * registrar and the event wrapper), the job's organization's team (the job wrapper), and the
 * App Home refresher, the credential sweep and the interrupted-import notices, which act for
 * many organizations and take each item's own. Everything else gets one workspace's deps.
 */
const CHOOSE_A_WORKSPACE = [
  'src/slack/deps.ts',
  'src/slack/services/answer.ts',
  'src/slack/listeners/events/workspace-events.ts',
  'src/slack/jobs/workspace-job.ts',
  'src/slack/services/home-refresher.ts',
  'src/slack/services/credential-sweep.ts',
  'src/slack/services/interrupted-imports.ts',
].map((file) => path.normalize(file));

describe('every Slack call is made with the token of the workspace it concerns', () => {
  it('only the few places that choose a workspace reach another port (forTeam, workspaceDeps, the ports)', () => {
    const offenders = slackSources().filter(
      ({ file, code }) => !CHOOSE_A_WORKSPACE.includes(file) && /\.forTeam\(|\bworkspaceDeps\(|\bports\.(forTeam|removed)\b/.test(code),
    );
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('listeners, services and jobs never build a port or a Web API client of their own', () => {
    // web-api-port.ts defines the port; create-app.ts builds one per token; token-check.ts asks Slack before any exists.
    const builders = slackSources().filter(({ code }) => /\bwebApiPort\(|new\s+(webApi\.)?WebClient\(/.test(code));
    expect(builders.map((b) => b.file).sort()).toEqual(
      ['src/slack/create-app.ts', 'src/slack/token-check.ts', 'src/slack/web-api-port.ts'].map((f) => path.normalize(f)),
    );
  });
});
