import type { ServerResponse } from 'node:http';
import type { Installation } from '@slack/bolt';
import { slackErrorCode } from '../services/slack-errors.js';
import { InstallRefused } from './installed-workspaces.js';

/**
 * The pages a person installing Roster sees when Slack sends them back to /slack/oauth_redirect:
 * what happened, and what to do next. Plain HTML, every value escaped.
 */

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function send(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${html(title)}</title></head><body style="font-family: sans-serif; max-width: 40em; margin: 2em auto"><h1>${html(title)}</h1>${body}</body></html>`,
  );
}

/** Installed: where to go next (the organization is created in Slack; a reinstall finds it as it was). */
export function installedPage(installation: Installation, res: ServerResponse): void {
  const team = installation.team;
  const name = team?.name ?? team?.id ?? 'your workspace';
  const open = team && installation.appId ? `slack://app?team=${encodeURIComponent(team.id)}&id=${encodeURIComponent(installation.appId)}` : 'slack://open';
  send(
    res,
    200,
    `Roster is installed in ${name}`,
    `<p>Open <a href="${html(open)}">Roster in Slack</a>. A workspace owner or admin runs <code>/users setup</code> there to create the workspace's organization. If Roster was installed here before, its organization is as it was: nothing to set up again.</p>`,
  );
}

/** Why an install did not finish, in words, with the way to try again. */
export function installFailedPage(error: Error & { code?: string }, res: ServerResponse): void {
  const slack = slackErrorCode(error);
  const again = '<p><a href="/slack/install">Start the installation again</a>.</p>';
  if (error.code === 'slack_oauth_invalid_state' || error.code === 'slack_oauth_missing_state') {
    send(
      res,
      400,
      'The installation could not be checked',
      `<p>This link did not come from an installation started in this browser in the last 10 minutes, so Roster did not use it.</p>${again}`,
    );
    return;
  }
  if (error.code === 'slack_oauth_installer_authorization_error') {
    send(res, 400, 'Roster was not installed', `<p>The installation was cancelled in Slack.</p>${again}`);
    return;
  }
  if (slack === 'invalid_code') {
    send(res, 400, 'Roster was not installed', `<p>Slack did not accept this installation's code (used already, or older than 10 minutes).</p>${again}`);
    return;
  }
  if (slack !== undefined) {
    send(
      res,
      502,
      'Roster was not installed',
      `<p>Slack refused to finish the installation (${html(slack)}). Whoever runs Roster should check SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and the app's Redirect URL (README.md, "Many workspaces").</p>${again}`,
    );
    return;
  }
  const why = error instanceof InstallRefused ? error.message : 'Roster could not save the installation; whoever runs Roster finds why in its log.';
  send(res, 500, 'Roster was not installed', `<p>${html(why)}</p>${again}`);
}
