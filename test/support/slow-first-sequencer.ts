import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (they start processes, wait on leases, Retry-After or a retry
 * schedule, or read large imports), measured on a 2-core machine: started first, so that none of
 * them is the last file to start and the run does not end with one worker busy and the others
 * idle. Vitest orders by the last run's durations when it has them (a checkout that ran the tests
 * before); a fresh clone, as in CI, has none, and Vitest would then start the largest files first,
 * which are not the slowest. A file missing here is only started later; none fails for it.
 */
const SLOWEST_FIRST = [
  'test/slack/startup.test.ts',
  'test/jobs/crash-restart.test.ts',
  'test/bulk/import-reader-stops.test.ts',
  'test/slack/production-install.test.ts',
  'test/lifecycle/global-admin-race.test.ts',
  'test/import/import-worker-pool.test.ts',
  'test/cli/import-reader-stops-cli.test.ts',
  'test/bulk/import-users.test.ts',
  'test/core/reclaim.test.ts',
  'test/slack/import-readers.test.ts',
  'test/cli/cli-process.test.ts',
  'test/cli/import-cli-long.test.ts',
  'test/core/find-users.test.ts',
  'test/jobs/jobs-across-instances.test.ts',
  'test/slack/startup-readiness.test.ts',
  'test/microsoft/tenant-import.test.ts',
  'test/lifecycle/concurrency.property.test.ts',
  'test/import/import-worker.test.ts',
];

export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const measured = sorted.some((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(root, file.moduleId)}`));
    if (measured) return sorted;
    const rank = (file: TestSpecification) => {
      const at = SLOWEST_FIRST.indexOf(relative(root, file.moduleId));
      return at === -1 ? SLOWEST_FIRST.length : at;
    };
    // Array.prototype.sort is stable: the others keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

function relative(root: string, file: string): string {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}
