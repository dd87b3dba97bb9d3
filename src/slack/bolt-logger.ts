import { LogLevel as BoltLevel, type Logger as BoltLogger } from '@slack/logger';
import type { Logger } from '../log.js';

/**
 * Bolt's and the Web API client's logs, through Roster's log. Never below info: Bolt's debug
 * output holds request bodies, and a submitted form may hold a password someone typed.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level: BoltLevel = BoltLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part)))
      .join(' ')
      .slice(0, 1000);
  const allowed = (at: BoltLevel) => ['debug', 'info', 'warn', 'error'].indexOf(at) >= ['debug', 'info', 'warn', 'error'].indexOf(level);
  return {
    debug: () => undefined,
    info: (...parts) => allowed(BoltLevel.INFO) && logger.info(text(parts), { source: 'bolt' }),
    // Said again, with the workspace, by create-app.ts's error handler (a removed workspace is no warning).
    warn: (...parts) => allowed(BoltLevel.WARN) && !isAuthorizationNotice(parts) && logger.warn(text(parts), { source: 'bolt' }),
    error: (...parts) => logger.error(text(parts), { source: 'bolt' }),
    setLevel: (next) => {
      level = next === BoltLevel.DEBUG ? BoltLevel.INFO : next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

const AUTHORIZATION_NOTICE = 'Authorization of incoming event did not succeed. No listeners will be called.';
const isAuthorizationNotice = (parts: unknown[]) => parts.length === 1 && parts[0] === AUTHORIZATION_NOTICE;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}
