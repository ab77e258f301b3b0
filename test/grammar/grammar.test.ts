/**
 * The TextMate grammar's unit tests (test/grammar/*.gaiconf, vscode-tmgrammar-test's comment-based
 * format), run with the real vscode-textmate engine the way a user would run the tool.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../support/repository';

test('grammar unit tests in test/grammar/*.gaiconf pass under vscode-tmgrammar-test', () => {
  const root = repoRoot();
  const cases = readdirSync(join(root, 'test', 'grammar')).filter((name) => name.endsWith('.gaiconf'));
  assert.ok(cases.length > 0, 'no .gaiconf test cases in test/grammar');

  const run = spawnSync(
    process.execPath,
    [
      'node_modules/vscode-tmgrammar-test/dist/unit.js',
      '--grammar',
      'syntaxes/gaiconf.tmLanguage.json',
      // A glob for the tool itself to expand; no shell is involved, so it needs no quotes.
      'test/grammar/**/*.gaiconf',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 },
  );
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `\n${run.error.message}` : ''}`;
  assert.equal(run.status, 0, `vscode-tmgrammar-test failed (exit ${run.status}):\n${output}`);

  // Every file must have been found and run, not just "no failure reported".
  for (const name of cases) {
    assert.ok(
      output.includes(`test/grammar/${name} run successful`),
      `test/grammar/${name} was not reported as passing:\n${output}`,
    );
  }
});
