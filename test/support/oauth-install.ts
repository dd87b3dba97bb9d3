/**
 * Installing Roster in a workspace the way a person does, through its install page and Slack's
 * consent page (the fake's), in a "browser" that keeps its cookies between the three requests:
 *
 *   GET <roster>/slack/install            → 302 to Slack's authorize page, state cookie set
 *   GET <slack>/oauth/v2/authorize?…      → "Allow": 302 back to <roster>/slack/oauth_redirect?code&state
 *   GET <roster>/slack/oauth_redirect?…   → Roster exchanges the code (oauth.v2.access) and stores the install
 */
import { BROWSER_USER_COOKIE, type FakeSlack } from './fake-slack-api.js';
import type { RosterUnderTest } from './roster-under-test.js';
import { SlackClientSim } from './slack-requests.js';
import { SIGNING_SECRET } from './roster-under-test.js';

export interface InstallStep {
  status: number;
  location?: string;
  text: string;
}

/** A browser: one cookie jar, redirects seen one by one. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(signedInAs?: string) {
    if (signedInAs) this.cookies.set(BROWSER_USER_COOKIE, signedInAs);
  }

  async get(url: string): Promise<InstallStep> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const set of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = set.split(';');
      const [name = '', ...value] = pair.trim().split('=');
      const expired = attributes.some((a) => /^\s*max-age=0\b/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, ...(location ? { location } : {}), text: await response.text() };
  }
}

/** The three steps of an install, each response kept (tests look at any of them). */
export async function runInstall(
  r: Pick<RosterUnderTest, 'baseUrl'>,
  browser: Browser,
): Promise<{ start: InstallStep; consent: InstallStep; landing: InstallStep }> {
  const start = await browser.get(`${r.baseUrl}/slack/install`);
  if (start.status !== 302 || !start.location) throw new Error(`GET /slack/install answered ${start.status}: ${start.text.slice(0, 200)}`);
  const consent = await browser.get(start.location);
  if (consent.status !== 302 || !consent.location) throw new Error(`Slack's authorize page answered ${consent.status}: ${consent.text.slice(0, 200)}`);
  const landing = await browser.get(consent.location);
  return { start, consent, landing };
}

/**
 * Adds workspace `teamId` to the fake with `installer` (a member who may install apps) and installs
 * Roster there through the OAuth flow; returns a request simulator for that workspace.
 */
export async function installWorkspace(
  r: Pick<RosterUnderTest, 'baseUrl' | 'appUrl' | 'fake'>,
  teamId: string,
  installer: { id: string; name?: string; email?: string },
): Promise<SlackClientSim> {
  if (!r.fake.team(teamId)) r.fake.addTeam({ id: teamId });
  r.fake.seedUser({
    id: installer.id,
    teamId,
    isOwner: true,
    realName: installer.name ?? 'Installing Owner',
    email: installer.email ?? `${installer.id.toLowerCase()}@example.com`,
  });
  const { landing } = await runInstall(r, new Browser(installer.id));
  if (landing.status !== 200) throw new Error(`the install in ${teamId} failed (${landing.status}): ${landing.text.slice(0, 300)}`);
  return workspaceSim(r, teamId);
}

/** Signed requests from workspace `teamId`, as Slack sends them. */
export function workspaceSim(r: Pick<RosterUnderTest, 'appUrl' | 'fake'>, teamId: string): SlackClientSim {
  return new SlackClientSim({ appUrl: r.appUrl, signingSecret: SIGNING_SECRET, teamId, fake: r.fake as FakeSlack });
}
