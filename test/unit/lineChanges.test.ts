/** Which lines an edit changed, told from two readings: the kept lines at both ends are the same objects. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { changedLines, changedLineWhere } from '../../server/src/glibc/lineChanges';
import { parseGaiConf } from '../../server/src/glibc/reader';
import { GLIBC_2_41 } from '../support/glibc';

const TEXT = 'label ::1/128 0\n# a comment\nprecedence ::/0 40\nscopev4 10.0.0.0/8 5\n';

test('an edit within one line: the lines before and after it are kept, only it changed', () => {
  const before = parseGaiConf(TEXT, { glibc: GLIBC_2_41 });
  const after = parseGaiConf(TEXT.replace('::/0 40', '::/0 41'), { glibc: GLIBC_2_41 }, before);
  const changed = changedLines(before.lines, after.lines);
  assert.deepStrictEqual(changed, { head: 2, oldEnd: 3, newEnd: 3 });
  assert.ok(changedLineWhere(before.lines, after.lines, changed, (line) => line.fate.kind === 'row'));
  assert.ok(!changedLineWhere(before.lines, after.lines, changed, (line) => line.comment !== undefined));
});

test('an edit that moves the lines after it: everything from it to the end changed', () => {
  const before = parseGaiConf(TEXT, { glibc: GLIBC_2_41 });
  const after = parseGaiConf(TEXT.replace('# a comment\n', '# a comment\n\n'), { glibc: GLIBC_2_41 }, before);
  assert.deepStrictEqual(changedLines(before.lines, after.lines), { head: 2, oldEnd: 4, newEnd: 5 });
});

test('two readings from scratch share no line: all of them changed', () => {
  const before = parseGaiConf(TEXT, { glibc: GLIBC_2_41 });
  const after = parseGaiConf(TEXT, { glibc: GLIBC_2_41 });
  assert.deepStrictEqual(changedLines(before.lines, after.lines), { head: 0, oldEnd: 4, newEnd: 4 });
});
