/**
 * What a test needs and the machine lacks. npm test installs everything the suite needs first
 * (scripts/install-test-tools.sh), so a missing tool fails the test that needs it, naming it:
 * a skipped test proves nothing, and a silent skip passes for a check. Only a run that asks to
 * be partial (GAI_CONF_PARTIAL=1, which npm test's closing line repeats) skips such tests, each
 * naming what it lacks.
 */
import { test, TestContext, TestOptions } from 'node:test';

export const PARTIAL_RUN = process.env['GAI_CONF_PARTIAL'] === '1';

const HOW =
  'npm test, run as root, installs what the suite needs (scripts/install-test-tools.sh); GAI_CONF_PARTIAL=1 npm test runs without it, skipping';

function failure(missing: string): Error {
  return new Error(`missing: ${missing}. ${HOW}`);
}

/**
 * A test that needs what `missing` names (null or undefined when the machine has it): runs it,
 * or makes it fail with that sentence, or in a partial run skips it with it.
 */
export function testNeeding(
  missing: string | null | undefined,
  name: string,
  options: TestOptions,
  fn: (t: TestContext) => void | Promise<void>,
): void {
  if (!missing) test(name, options, fn);
  else if (PARTIAL_RUN) test(name, { ...options, skip: `partial run, missing: ${missing}` }, fn);
  else test(name, options, () => Promise.reject(failure(missing)));
}

/**
 * Inside a test: false when nothing is `missing`; else throws a failure naming it, or in a partial
 * run marks the test skipped and returns true (the caller returns or goes on to the next case).
 */
export function lacks(t: TestContext, missing: string | null | undefined): boolean {
  if (!missing) return false;
  if (!PARTIAL_RUN) throw failure(missing);
  t.skip(`partial run, missing: ${missing}`);
  return true;
}

/**
 * Where some of what a test file uses may be missing (a glibc build of the four it judges with):
 * a test of its own that fails naming it, or in a partial run is skipped naming it.
 */
export function testPrerequisite(name: string, missing: string | null | undefined): void {
  if (missing) testNeeding(missing, name, {}, () => undefined);
}
