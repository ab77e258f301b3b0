// Prints the JSON results that test/integration/index.ts's run() writes, for both runners.
import { existsSync, readFileSync } from 'node:fs';

/** The parsed result file, or undefined when it was not written. */
export function readResult(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** Lists every test, mocha-spec style, with the errors of failed ones. */
export function printResult(result, log = console.log) {
  log(`VS Code ${result.vscodeVersion}, remote extension host: ${result.remoteName ?? 'none'}`);
  for (const test of result.tests) {
    const mark = test.state === 'passed' ? '✓' : test.state === 'failed' ? '✗' : '-';
    const time = test.durationMs !== undefined ? ` (${test.durationMs} ms)` : '';
    console.log(`  ${mark} ${test.fullTitle}${test.state === 'pending' ? ' [SKIPPED]' : time}`);
    if (test.error) console.log(test.error.replace(/^/gm, '      '));
  }
  if (result.error) console.log(`  the suite did not run:\n${result.error.replace(/^/gm, '      ')}`);
  if (result.pending) log(`WARNING: ${result.pending} test(s) skipped`);
}

/** Whether the run counts as a success: something passed, nothing failed, the suite loaded. */
export function succeeded(result) {
  return result !== undefined && result.failed === 0 && result.passed > 0 && !result.error;
}
