/** Sizes beyond any real gai.conf: a refusal instead of an endless read, capped diagnostics, no stack overflow. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { LARGEST_FILE_BYTES, MOST_DIAGNOSTICS_SENT } from '../../server/src/analysis/limits';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { editorDiagnostics } from '../../server/src/features/diagnostics';
import { formatEdits } from '../../server/src/features/formatting';
import { TextLocator } from '../../server/src/features/positions';
import { parseGaiConf } from '../../server/src/glibc/reader';
import { FileReadError, readGaiConfFile } from '../../server/src/system/files';
import { repeatingLabelRows } from '../support/generate';
import { GLIBC_2_36 } from '../support/glibc';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

test('gai-conf check /dev/zero ends with a clear refusal (exit 2), not an endless read', () => {
  const run = spawnSync(process.execPath, [CLI, 'check', '/dev/zero'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.signal, null, 'the read did not end');
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /cannot read \/dev\/zero: it is larger than 16 MiB, far beyond any real gai\.conf/);
});

test("the server's reads of a file stop at 16 MiB too (readGaiConfFile), with the same message", () => {
  assert.throws(
    () => readGaiConfFile('/dev/zero'),
    (error: unknown) => error instanceof FileReadError && /larger than 16 MiB/.test(error.message),
  );
  assert.equal(LARGEST_FILE_BYTES, 16 * 1024 * 1024);
});

test('a text beyond 16 MiB is refused with one file-too-large finding, nothing of it parsed', () => {
  const text = '#'.repeat(LARGEST_FILE_BYTES + 1);
  const analysis = analyzeGaiConf(text, { glibc: GLIBC_2_36 });
  assert.deepEqual(
    analysis.findings.map((f) => [f.code, f.start, f.end]),
    [['file-too-large', 0, 0]],
  );
  assert.equal(analysis.parsed.lines.length, 0);
  assert.equal(analysis.tables.label.source, 'builtin');
});

test('200,000 label rows (prefixes repeating after 65,535): formatting gives edits without overflowing the stack', () => {
  const text = repeatingLabelRows(200_000).replace(/^label /gm, 'label   ');
  const edits = formatEdits(parseGaiConf(text, { glibc: GLIBC_2_36 }));
  assert.ok(edits.length >= 200_000);
  // One column for the whole run: the longest prefix (2001:db8:fffe::/48, three characters longer) sets it.
  const head = applyEdits(
    text.slice(0, 4096),
    edits.filter((e) => e.end <= 4096),
  );
  assert.match(head, /^label 2001:db8:0::\/48 {4}0\nlabel 2001:db8:1::\/48 {4}1\n/);
});

test('an editor is sent at most 5,000 diagnostics, and the first says how many more there are and after which line', () => {
  const text = repeatingLabelRows(75_535);
  const analysis = analyzeGaiConf(text, { glibc: GLIBC_2_36 });
  assert.ok(analysis.findings.length > 10_000);
  const diagnostics = editorDiagnostics(analysis, new TextLocator(text), {}, () => '');
  assert.equal(diagnostics.length, MOST_DIAGNOSTICS_SENT + 1);
  assert.equal(diagnostics[0].code, 'too-many-findings');
  assert.deepEqual(diagnostics[0].range.start, { line: 0, character: 0 });
  assert.match(
    diagnostics[0].message,
    new RegExp(
      `^${(analysis.findings.length - MOST_DIAGNOSTICS_SENT).toLocaleString('en-US')} more findings after line ${diagnostics[MOST_DIAGNOSTICS_SENT].range.start.line + 1} are not shown`,
    ),
  );
  assert.equal(
    editorDiagnostics(analysis, new TextLocator(text), { 'too-many-findings': 'off' }, () => '').length,
    MOST_DIAGNOSTICS_SENT,
  );
});
