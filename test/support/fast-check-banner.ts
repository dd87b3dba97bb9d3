/** Says once per run how the property tests are seeded (vitest.config.ts `globalSetup`). */
export default function banner(): void {
  const wanted = process.env.FC_SEED;
  if (!wanted) process.stdout.write('Property tests use fast-check seed 20261203; FC_SEED=random npm test runs them with a new one.\n');
}
