#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { runCli } from './run-cli.js';

// `roster …` (package.json `bin`; `npx roster` or `npm run roster --` from a checkout): the command line's process around runCli (run-cli.ts), which does the work.
if (existsSync('.env')) process.loadEnvFile('.env');
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
