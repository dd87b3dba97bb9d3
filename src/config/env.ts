import { z } from 'zod';
import { DEFAULT_IMPORT_LIMITS } from '../core/import/types.js';
import { defaultDatabaseUrl } from '../db/database-url.js';

const slackId = /^[UW][A-Z0-9]{2,}$/;

/** Every setting Roster reads from the environment, checked once at start. */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string({ error: 'is missing' }).regex(/^xoxb-/, 'must start with xoxb- (the Bot User OAuth Token)'),
  SLACK_SIGNING_SECRET: z.string({ error: 'is missing' }).regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal Signing Secret'),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must start with xapp- (an App-Level Token with connections:write)')
    .optional(),
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().min(1).default(defaultDatabaseUrl),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .optional(),
  ROSTER_BOOTSTRAP_ADMINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
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
});

export type Env = z.output<typeof envSchema>;

const WHERE: Record<string, string> = {
  SLACK_BOT_TOKEN: 'Slack app settings → OAuth & Permissions → Bot User OAuth Token (install the app first)',
  SLACK_SIGNING_SECRET: 'Slack app settings → Basic Information → App Credentials → Signing Secret',
  SLACK_APP_TOKEN: 'Slack app settings → Basic Information → App-Level Tokens (scope connections:write); only for Socket Mode',
};

/** Parses the environment, or returns a message listing each problem and where to get the value. */
export function loadEnv(source: NodeJS.ProcessEnv): { ok: true; env: Env } | { ok: false; message: string } {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (parsed.success) return { ok: true, env: parsed.data };
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const where = WHERE[name] ? `\n      get it from: ${WHERE[name]}` : '';
    return `  - ${name} ${issue.message}${where}`;
  });
  return {
    ok: false,
    message: `Roster cannot start; fix these settings (in .env or the environment, see README.md):\n${lines.join('\n')}`,
  };
}
