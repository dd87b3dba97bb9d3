/** vitest.config.ts `setupFiles`: after each test file, the PostgreSQL schemas it made are dropped (postgres-schemas.ts). */
import { afterAll } from 'vitest';
import { dropPostgresSchemas } from './postgres-schemas.js';

afterAll(dropPostgresSchemas);
