import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseSecretKey, POSTGRES_NEEDS_SECRET_KEY, SECRET_KEY_FORMAT } from '../core/credentials/secret-key.js';
import { DEFAULT_IMPORT_LIMITS } from '../core/import/types.js';
import { defaultDatabaseUrl, isPostgresUrl } from '../db/database-url.js';
import { DEFAULT_SYNC_MINUTES } from '../core/microsoft/sync-interval.js';
import { DEFAULT_GRAPH_URL, DEFAULT_LOGIN_URL } from '../graph/endpoints.js';

const slackId = /^[UW][A-Z0-9]{2,}$/;

/** Every setting Roster reads from the environment, checked once at start. */
export const envSchema = z.object({
  // One workspace: its bot token. Many workspaces: the three OAuth settings instead (loadEnv checks that exactly one way is set).
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must start with xoxb- (the Bot User OAuth Token)')
    .optional(),
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be the Client ID (digits, a dot, digits)')
    .optional(),
  SLACK_CLIENT_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal Client Secret')
    .optional(),
  /** Signs the OAuth state Roster hands to Slack and checks when Slack comes back (Bolt's state store). */
  SLACK_STATE_SECRET: z.string().min(32, 'must be at least 32 random characters (make one with `openssl rand -hex 32`)').optional(),
  // Required in HTTP mode only (checked in loadEnv): in Socket Mode, Slack signs no request.
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal Signing Secret')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must start with xapp- (an App-Level Token with connections:write)')
    .optional(),
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(3000),
  /** Socket Mode only: the port of GET /healthz, /readyz and /metrics (over HTTP they are on PORT). */
  HEALTH_PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).optional(),
  /** A SQLite `file:` URL (the default) or a PostgreSQL `postgres://…` URL (then ROSTER_SECRET_KEY is required, checked in loadEnv). */
  DATABASE_URL: z.string().min(1).default(defaultDatabaseUrl),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .optional(),
  ROSTER_BOOTSTRAP_ADMINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(slackId, 'must be Slack user ids such as U012ABCDEF, separated by commas'))),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ROSTER_IMPORT_MAX_ROWS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of rows')
    .min(1, 'must be at least 1')
    .default(DEFAULT_IMPORT_LIMITS.maxRows),
  ROSTER_IMPORT_MAX_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1')
    .default(DEFAULT_IMPORT_LIMITS.maxBytes),
  /** How long a form submission may work before Roster acks it with "working…" and answers later (ms). */
  /**
   * The AES-256 key that seals temporary passwords until they are shown (32 bytes, hex or base64).
   * Unset: Roster keeps its own key in a 0600 file beside the SQLite database (PostgreSQL needs it set). Never logged or quoted.
   */
  ROSTER_SECRET_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const key = parseSecretKey(value);
      if (key) return key;
      ctx.addIssue({ code: 'custom', message: SECRET_KEY_FORMAT });
      return z.NEVER;
    }),
  /** A file holding ROSTER_SECRET_KEY (a Docker or Kubernetes secret, mounted apart from the database); loadEnv reads it. */
  ROSTER_SECRET_KEY_FILE: z.string().optional(),
  ROSTER_ACK_BUDGET_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(2500, 'must be at most 2500 (Slack waits 3 s)').default(2000),
  /** Microsoft Graph's base URL: the US Government (https://graph.microsoft.us) and China clouds have their own. */
  MICROSOFT_GRAPH_URL: z.url({ error: 'must be a URL such as https://graph.microsoft.com' }).default(DEFAULT_GRAPH_URL),
  /** Microsoft Entra's sign-in URL for the same cloud (https://login.microsoftonline.us, https://login.chinacloudapi.cn). */
  MICROSOFT_LOGIN_URL: z.url({ error: 'must be a URL such as https://login.microsoftonline.com' }).default(DEFAULT_LOGIN_URL),
  /** How often a connected organization is synced with its tenant (minutes). */
  ROSTER_SYNC_MINUTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1440, 'must be at most 1440 (a day)')
    .default(DEFAULT_SYNC_MINUTES),
});

export type Env = z.output<typeof envSchema>;

/** The OAuth settings that, together, make Roster serve many workspaces. */
export const OAUTH_SETTINGS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/** How Roster talks to Slack: one workspace with SLACK_BOT_TOKEN, or every workspace that installs it through Slack's OAuth flow. */
export type SlackAuth = { mode: 'one-workspace'; botToken: string } | { mode: 'many-workspaces'; clientId: string; clientSecret: string; stateSecret: string };

/** The way loadEnv accepted (it refuses both, neither, or a part of the OAuth settings). */
export function slackAuth(env: Env): SlackAuth {
  if (env.SLACK_BOT_TOKEN) return { mode: 'one-workspace', botToken: env.SLACK_BOT_TOKEN };
  const { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret } = env;
  if (!clientId || !clientSecret || !stateSecret) throw new Error('neither SLACK_BOT_TOKEN nor the OAuth settings are set (loadEnv reports this first)');
  return { mode: 'many-workspaces', clientId, clientSecret, stateSecret };
}

/** Where each Slack credential is found, for messages that ask for a good one. */
export const WHERE = {
  SLACK_BOT_TOKEN: 'Slack app settings → OAuth & Permissions → Bot User OAuth Token (install the app first)',
  SLACK_CLIENT_ID: 'Slack app settings → Basic Information → App Credentials → Client ID',
  SLACK_CLIENT_SECRET: 'Slack app settings → Basic Information → App Credentials → Client Secret',
  SLACK_STATE_SECRET: 'any long random string you keep secret, the same on every instance (`openssl rand -hex 32`)',
  SLACK_SIGNING_SECRET: 'Slack app settings → Basic Information → App Credentials → Signing Secret',
  SLACK_APP_TOKEN: 'Slack app settings → Basic Information → App-Level Tokens (scope connections:write); only for Socket Mode',
  ROSTER_SECRET_KEY:
    'your secret store (the key that sealed the pending passwords), or, on SQLite, unset it to let Roster keep its own key file beside the database',
} as const satisfies Record<string, string>;

/** Parses the environment, or returns a message listing each problem and where to get the value. */
export function loadEnv(source: NodeJS.ProcessEnv): { ok: true; env: Env } | { ok: false; message: string } {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const keyFile = readKeyFile(cleaned);
  if (keyFile.key !== undefined) cleaned.ROSTER_SECRET_KEY = keyFile.key;
  const parsed = envSchema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => ({ name: String(issue.path[0] ?? 'environment'), message: issue.message }));
  if (keyFile.problem) problems.push({ name: 'ROSTER_SECRET_KEY_FILE', message: keyFile.problem });
  problems.push(...slackAuthProblems(cleaned));
  if (cleaned.DATABASE_URL !== undefined && isPostgresUrl(cleaned.DATABASE_URL) && cleaned.ROSTER_SECRET_KEY === undefined && !keyFile.problem) {
    problems.push({ name: 'ROSTER_SECRET_KEY', message: POSTGRES_NEEDS_SECRET_KEY });
  }
  if (cleaned.SLACK_APP_TOKEN === undefined && cleaned.SLACK_SIGNING_SECRET === undefined) {
    problems.push({ name: 'SLACK_SIGNING_SECRET', message: 'is missing (needed over HTTP; in Socket Mode, with SLACK_APP_TOKEN, it is not)' });
  }
  if (parsed.success && problems.length === 0) return { ok: true, env: parsed.data };
  const lines = problems.map(({ name, message }) => {
    const where = name in WHERE ? `\n      get it from: ${WHERE[name as keyof typeof WHERE]}` : '';
    return `  - ${name} ${message}${where}`;
  });
  return {
    ok: false,
    message: `Roster cannot start; fix these settings (in .env or the environment, see README.md):\n${lines.join('\n')}`,
  };
}

/**
 * Exactly one way to Slack: SLACK_BOT_TOKEN (one workspace), or all three OAuth settings (many
 * workspaces, over HTTP: Slack sends installs back to /slack/oauth_redirect). Each problem names
 * what to set or unset.
 */
function slackAuthProblems(env: Record<string, string | undefined>): { name: string; message: string }[] {
  const oauthSet = OAUTH_SETTINGS.filter((name) => env[name] !== undefined);
  if (env.SLACK_BOT_TOKEN !== undefined && oauthSet.length > 0) {
    return [
      {
        name: 'SLACK_BOT_TOKEN',
        message: `is set together with ${oauthSet.join(', ')}: set SLACK_BOT_TOKEN alone for one workspace, or ${OAUTH_SETTINGS.join(', ')} (and no SLACK_BOT_TOKEN) for many`,
      },
    ];
  }
  if (env.SLACK_BOT_TOKEN !== undefined) return [];
  if (oauthSet.length === 0) return [{ name: 'SLACK_BOT_TOKEN', message: 'is missing' }];
  const problems: { name: string; message: string }[] = OAUTH_SETTINGS.filter((name) => env[name] === undefined).map((name) => ({
    name,
    message: `is missing (serving many workspaces needs ${OAUTH_SETTINGS.join(', ')} together; for one workspace set SLACK_BOT_TOKEN instead)`,
  }));
  if (env.SLACK_APP_TOKEN !== undefined) {
    problems.push({
      name: 'SLACK_APP_TOKEN',
      message:
        'is set, but serving many workspaces works over HTTP only (Slack sends each install back to /slack/oauth_redirect): unset it and set SLACK_SIGNING_SECRET',
    });
  }
  return problems;
}

/**
 * The secret key the environment gives (ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE), for a process
 * that reads no other setting (the command line): undefined when neither is set (the key file
 * beside the database is used), or the problem, naming the variable and never quoting the key.
 */
export function secretKeyFromEnv(source: Record<string, string | undefined>): { ok: true; key: Buffer | undefined } | { ok: false; message: string } {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const file = readKeyFile(cleaned);
  if (file.problem) return { ok: false, message: `ROSTER_SECRET_KEY_FILE ${file.problem}` };
  const text = file.key ?? cleaned.ROSTER_SECRET_KEY;
  if (text === undefined) return { ok: true, key: undefined };
  const key = parseSecretKey(text);
  return key ? { ok: true, key } : { ok: false, message: `ROSTER_SECRET_KEY ${SECRET_KEY_FORMAT}` };
}

/** ROSTER_SECRET_KEY_FILE's content (the key, never quoted in a problem), or why it cannot be used. */
function readKeyFile(env: Record<string, string | undefined>): { key?: string; problem?: string } {
  const file = env.ROSTER_SECRET_KEY_FILE;
  if (file === undefined) return {};
  if (env.ROSTER_SECRET_KEY !== undefined) return { problem: 'is set together with ROSTER_SECRET_KEY; set only one of them' };
  try {
    return { key: readFileSync(file, 'utf8').trim() };
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): give the path of a file holding the key` };
  }
}
