/**
 * deploy/compose.yml (issue 15 item 6): Docker's daemon is not here to run it, so its shape is
 * checked against the code it starts: the services and their order, the health endpoints Roster
 * serves, the variables src/config/env.ts reads, the command it runs, the proxy's upstreams.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/cli/commands.js';
import { envSchema } from '../../src/config/env.js';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string;
  secrets?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean; start_period?: string };
  depends_on?: Record<string, { condition: string }> | string[];
  stop_grace_period?: string;
  restart?: string;
}

const compose = parse(readFileSync('deploy/compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
};
const { services } = compose;
const instances = ['roster-1', 'roster-2'];
const healthRoutes = readFileSync('src/slack/health-routes.ts', 'utf8');
const seconds = (text: string) => Number(/^(\d+)s$/.exec(text)?.[1]);

describe('deploy/compose.yml', () => {
  it('runs two Roster instances, a one-shot migrate and PostgreSQL 15 with its data in a volume', () => {
    expect(Object.keys(services).sort()).toEqual(['migrate', 'postgres', 'proxy', 'roster-1', 'roster-2']);
    expect(services.postgres!.image).toBe('postgres:15');
    const [volume] = services.postgres!.volumes!;
    expect(volume).toBe('pgdata:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    for (const name of [...instances, 'migrate']) {
      expect(services[name]!.build, name).toBe('..');
      expect(existsSync('Dockerfile')).toBe(true);
    }
  });

  it('migrate runs `roster migrate` (a command the CLI has, from the built bin) once, after PostgreSQL is healthy; the instances wait for it to succeed', () => {
    const migrate = services.migrate!;
    const bin = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { roster: string } }).bin.roster;
    expect(migrate.command).toEqual(['node', bin, 'migrate']);
    expect(COMMANDS.some((command) => command.path.join(' ') === 'migrate' && command.migrate)).toBe(true);
    expect(migrate.restart).toBe('no');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of instances) {
      expect(services[name]!.depends_on, name).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
      });
    }
  });

  it('gives every Roster service only variables src/config/env.ts knows, PostgreSQL as its database and the key as a Docker secret', () => {
    const known = Object.keys(envSchema.shape);
    for (const name of [...instances, 'migrate']) {
      const service = services[name]!;
      for (const variable of Object.keys(service.environment ?? {})) expect(known, `${name}: ${variable}`).toContain(variable);
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/roster:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/roster$/);
      expect(service.environment!.ROSTER_SECRET_KEY_FILE).toBe('/run/secrets/roster_key');
      expect(service.environment).not.toHaveProperty('ROSTER_SECRET_KEY');
      expect(service.secrets).toEqual(['roster_key']);
    }
    expect(compose.secrets.roster_key!.file).toBe('./secrets/roster_key');
    expect(readFileSync('.dockerignore', 'utf8')).toMatch(/^deploy\/secrets$/m);
    expect(readFileSync('.gitignore', 'utf8')).toMatch(/^deploy\/secrets\/$/m);
  });

  it('checks each instance on /healthz and /readyz, endpoints Roster serves, on the PORT it listens on', () => {
    for (const name of instances) {
      const service = services[name]!;
      const probe = service.healthcheck!.test!.join(' ');
      for (const path of ['/healthz', '/readyz']) {
        expect(probe, name).toContain(`'${path}'`);
        expect(healthRoutes).toContain(`path: '${path}'`);
      }
      expect(probe).toContain('process.env.PORT');
      expect(service.environment!.PORT).toBe('3000');
      // The grace period covers the jobs' drain (20 s, JobRunner.drain) before Docker kills.
      expect(seconds(service.stop_grace_period!)).toBeGreaterThan(20);
    }
    expect(readFileSync('src/core/jobs/job-runner.ts', 'utf8')).toContain('async drain(timeoutMs = 20_000)');
    expect(services.postgres!.healthcheck!.test!.join(' ')).toContain('pg_isready -U roster -d roster');
    expect(services.migrate!.healthcheck!.disable).toBe(true);
  });

  it('puts both instances behind the proxy, which sends only Slack paths to them and retries only a refused connection', () => {
    const nginx = readFileSync('deploy/nginx.conf', 'utf8');
    // Looked up again, not once at start: a recreated container has a new address.
    for (const name of instances) expect(nginx).toContain(`server ${name}:3000 resolve`);
    expect(nginx).toMatch(/^resolver 127\.0\.0\.11 /m);
    expect(nginx).toMatch(/location ~ \^\/slack\/\(events\|install\|oauth_redirect\)\$/);
    expect(nginx).toContain('proxy_next_upstream error non_idempotent;');
    expect(services.proxy!.volumes).toEqual(['./nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
  });
});
