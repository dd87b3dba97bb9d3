/**
 * Property tests run with a fixed seed, so a run is repeatable on every machine; `FC_SEED=random
 * npm test` runs them with a new seed (printed, so a failure can be replayed with FC_SEED=<seed>).
 * Loaded once per test worker (vitest.config.ts `setupFiles`).
 */
import fc from 'fast-check';

const FIXED_SEED = 20261203;
const wanted = process.env.FC_SEED;
const seed = wanted === 'random' ? Date.now() % 2 ** 31 : wanted ? Number(wanted) : FIXED_SEED;
if (wanted === 'random') process.stdout.write(`fast-check seed ${seed} (replay with FC_SEED=${seed})\n`);
fc.configureGlobal({ seed });
