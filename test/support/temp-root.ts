/** vitest.config.ts `globalSetup`: the run's temp folder, holding each worker's (worker-temp-folder.ts); removed at the end. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temp folder (see test/support/temp-root.ts). */
    testTempRoot: string;
  }
}

export default function makeTempRoot(project: TestProject): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'roster-tests-'));
  project.provide('testTempRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
