/** "Reset to glibc's defaults": every active line commented out, nothing else changed, on every test file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { presetById } from '../../server/src/analysis/reference/presets';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { activeLines, replaceWithEdits, resetEdits } from '../../server/src/features/codeActions/resetToDefaults';
import { presetFile } from '../../server/src/features/tablesFile';
import { corpus } from '../support/corpus';
import { analyze, GLIBC_2_36 } from '../support/glibc';

test('the reset leaves glibc its built-in tables and loses no character', () => {
  let reset = 0;
  for (const file of corpus()) {
    const analysis = analyze(file.text);
    const edits = resetEdits(analysis);
    const after = applyEdits(file.text, edits);
    assert.ok(
      edits.every((e) => e.start === e.end && e.newText === '#'),
      'only a # is inserted',
    );
    assert.equal(after.length, file.text.length + edits.length);
    const again = analyze(after);
    assert.deepEqual(activeLines(again), [], file.name);
    for (const kind of ['label', 'precedence', 'scopev4'] as const)
      assert.equal(again.tables[kind].source, 'builtin', `${file.name} ${kind}`);
    assert.equal(again.tables.reload, false);
    if (edits.length > 0) reset++;
  }
  assert.ok(reset >= 20, `${reset} files had active lines`);
});

test("writing a preset: the reset, then the preset after the last line, in the file's own line ends", () => {
  const text = '# ours\r\nprecedence ::ffff:0:0/96 100\r\n';
  const analysis = analyze(text);
  const preset = presetFile(presetById('prefer-ipv6')!, GLIBC_2_36);
  const after = applyEdits(text, replaceWithEdits(analysis, preset));
  assert.ok(after.startsWith('# ours\r\n#precedence ::ffff:0:0/96 100\r\n\r\n# RFC 3484 labels'), after);
  assert.ok(!/[^\r]\n/.test(after), 'CRLF throughout');
  const tables = analyze(after).tables;
  assert.equal(tables.precedence.source, 'builtin');
  assert.equal(tables.label.rows.length, 5);
  assert.equal(applyEdits('', replaceWithEdits(analyze(''), preset)), preset);
});
