import path from 'node:path';

// No generator asks for Prisma's query engine (we generate Kysely types only); without this the CLI
// would try to download one, which fails offline and in air-gapped installs.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= 'client';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { defaultDatabaseUrl } from './src/db/database-url.js';

// Prisma's CLI runs migrations through its bundled WASM engine and this driver adapter,
// so nothing is downloaded at install or start (air-gapped deployments work).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? defaultDatabaseUrl }),
});
