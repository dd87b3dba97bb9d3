import type Database from 'better-sqlite3';
import type { PrismaClient } from '../generated/prisma/index.js';

/** What every use case runs against. A CLI, a test or the Slack app builds one the same way. */
export interface CoreContext {
  db: PrismaClient;
  /** The same database through prepared statements: requests and bulk paths use it (see store/statements.ts). */
  sqlite: Database.Database;
  now: () => Date;
}

/** Who is asking: a Slack member of a workspace. Roles come from the directory, not from Slack. */
export interface Actor {
  teamId: string;
  slackUserId: string;
  /**
   * The server's operator at the command line (`npm run roster`): whoever can run it can read and
   * write the database anyway, so it acts with every permission; audit records name it `cli:<user>`.
   */
  operator?: boolean;
}

