// Writes PostgreSQL's migration.sql for a schema change (npm run db:migration calls it beside the
// SQLite diff; DEVELOPERS.md "Database and migrations"):
//   node scripts/postgres-migration.mjs <old schema.prisma | --from-empty> <new schema.prisma> <out migration.sql>
// Both schemas are turned into their PostgreSQL version (`postgresSchema`: provider postgresql, every
// DateTime a timestamptz(3)) and diffed by Prisma offline (scripts/prisma-postgres.config.ts); in the
// SQL, every text column is COLLATE "C" (byte order, as SQLite compares text) and the "public"
// schema is not named (the tables go to the connection's search_path).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The PostgreSQL version of prisma/schema.prisma's text. */
export function postgresSchema(text) {
  if (!text.includes('provider = "sqlite"')) throw new Error('expected a schema whose datasource provider is "sqlite"');
  return text
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url = "postgresql://localhost/roster"')
    .replace(/^(\s+\w+\s+DateTime\??)(?=\s|$)/gm, '$1 @db.Timestamptz(3)');
}

/** Prisma's PostgreSQL SQL as Roster applies it: text columns in byte order, no schema named. */
export function postgresSql(sql) {
  return sql.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, '').replace(/("\w+" TEXT|SET DATA TYPE TEXT)(?![\w[])/g, '$1 COLLATE "C"');
}

function main([from, to, out]) {
  if (!from || !to || !out)
    throw new Error('usage: node scripts/postgres-migration.mjs <old schema.prisma | --from-empty> <new schema.prisma> <out migration.sql>');
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-pg-schema-'));
  try {
    const write = (name, file) => {
      const target = path.join(dir, name);
      writeFileSync(target, postgresSchema(readFileSync(file, 'utf8')));
      return target;
    };
    const source = from === '--from-empty' ? ['--from-empty'] : ['--from-schema-datamodel', write('old.prisma', from)];
    const sql = execFileSync(
      'npx',
      ['prisma', 'migrate', 'diff', '--config', 'scripts/prisma-postgres.config.ts', ...source, '--to-schema-datamodel', write('new.prisma', to), '--script'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    writeFileSync(out, postgresSql(sql));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
