/**
 * How long the fuzz suites search: a fixed seed and a few seconds per property in `npm test`, so a
 * failure reproduces on the next run; longer on demand. GAI_CONF_FUZZ_SECONDS sets the time per
 * property, GAI_CONF_FUZZ_RUNS the most inputs per property, GAI_CONF_FUZZ_SEED another seed
 * (fast-check prints the seed and shrunk counterexample of any failure).
 */

import fc from 'fast-check';

const seconds = Number(process.env.GAI_CONF_FUZZ_SECONDS ?? 3);
const runs = Number(process.env.GAI_CONF_FUZZ_RUNS ?? 100_000);
export const FUZZ_SEED = Number(process.env.GAI_CONF_FUZZ_SEED ?? 20261126);

/** fast-check parameters: stop at the time budget (not a failure), or after `runs` inputs. */
export function budget(share = 1): fc.Parameters<unknown> {
  return {
    seed: FUZZ_SEED,
    numRuns: runs,
    interruptAfterTimeLimit: Math.round(seconds * 1000 * share),
    markInterruptAsFailure: false,
  };
}

/** node:test timeout for a property: its budget plus room for shrinking a failure. */
export function testTimeout(share = 1): number {
  return Math.round(seconds * 1000 * share) + 60_000;
}
