// The Prisma config of `scripts/postgres-migration.mjs` (npm run db:migration): it diffs two
// PostgreSQL versions of prisma/schema.prisma into PostgreSQL's SQL, offline. Prisma's WASM schema
// engine asks its driver adapter for the server's version before a diff, and for nothing else when
// both sides are schema files; this adapter answers that one question (PostgreSQL 15) and refuses
// everything else, so no database and no download is needed.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= 'client';
import { defineConfig } from 'prisma/config';

const refuse = (what: string) => async () => {
  throw new Error(`scripts/prisma-postgres.config.ts diffs schema files only; Prisma asked to ${what}`);
};

const versionOnly = {
  provider: 'postgres',
  adapterName: '@prisma/adapter-pg',
  async queryRaw(query: { sql: string }) {
    if (!query.sql.includes('numeric_version')) return refuse(`run ${query.sql}`)();
    // Column types: Boolean (5), Text (7), Int32 (0), as @prisma/driver-adapter-utils numbers them.
    return { columnNames: ['exists', 'version', 'numeric_version'], columnTypes: [5, 7, 0], rows: [[true, 'PostgreSQL 15', 150000]] };
  },
  executeRaw: refuse('execute SQL'),
  executeScript: refuse('run a script'),
  startTransaction: refuse('start a transaction'),
  dispose: async () => undefined,
  getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
};

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    ({ provider: 'postgres', adapterName: '@prisma/adapter-pg', connect: async () => versionOnly, connectToShadowDb: async () => versionOnly }) as never,
});
