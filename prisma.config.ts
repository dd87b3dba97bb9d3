import path from 'node:path';
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
