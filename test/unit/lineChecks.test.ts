import assert from 'node:assert/strict';
import { test } from 'node:test';

import { suggestDirective } from '../../server/src/analysis/lineChecks';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { analyze } from '../support/glibc';

const finding = (text: string, version: string, code: string) =>
  analyze(text, parseGlibcVersion(version)!)
    .findings.filter((f) => f.code === code)
    .at(-1);
const message = (text: string, version: string, code = 'missing-prefix-length'): string =>
  finding(text, version, code)?.message ?? '';
/** The mechanism, which the hover shows: the message keeps to what glibc does and what to write. */
const detail = (text: string, version: string, code = 'missing-prefix-length'): string =>
  finding(text, version, code)?.detail ?? '';

test('where leftover memory decides, the message names every outcome and promises none', () => {
  for (const version of ['2.31', '2.36', '2.38']) {
    assert.equal(
      message('label ::1 5\n', version),
      'No /bits: up to glibc 2.40 the line can be ignored, be read as /128 or crash programs (undefined); 2.41+ reads /128. Write "::1/128".',
    );
    const text = detail('label ::1 5\n', version);
    assert.match(text, /the line can be ignored, be read as ::1\/128 or crash the program \(SIGSEGV\)/, version);
    assert.match(text, /nothing guarantees/i, version);
    assert.doesNotMatch(text, /in practice/);
  }
  assert.match(
    detail('label ::1 5\n', '2.36'),
    /On Debian 12's glibc 2\.36, it was ignored every time it was measured, but nothing guarantees that\./,
  );
  assert.match(
    detail('label ::1 5\n', '2.31'),
    /On Debian 11's glibc 2\.31, it crashed this project's test program every time it was measured/,
  );
});

test('where a measured build decides, the message says what happens and why', () => {
  assert.equal(
    message('scopev4 10.0.0.0/8 5\nscopev4 10.0.0.0 5\n', '2.36'),
    'No /bits: Debian 12\'s glibc 2.36 reads /32 here (by chance of line 1\'s number); other builds differ. Write "10.0.0.0/32".',
  );
  assert.match(
    detail('scopev4 10.0.0.0/8 5\nscopev4 10.0.0.0 5\n', '2.36'),
    /on Debian 12's glibc 2\.36 it still points where the number on line 1 ended, which in this line's buffer is a NUL, so the line is read as \/32 \(the same for every program on that build; other builds can differ\)/,
  );
  assert.match(message('scopev4 10.0.0.0/8 5\nscopev4 192.168.0.0 5\n', '2.36'), /glibc 2\.36 ignores this line/);
  assert.match(
    detail('scopev4 10.0.0.0/8 5\nscopev4 192.168.0.0 5\n', '2.36'),
    /is not a NUL, so glibc ignores the line/,
  );
  assert.match(
    message('scopev4 10.0.0.0 5\n', '2.36', 'scopev4-crash'),
    /^No \/bits: on Debian 12's glibc 2\.36 every program crashes \(SIGSEGV\)/,
  );
  assert.match(
    detail('scopev4 10.0.0.0 5\n', '2.36', 'scopev4-crash'),
    /on Debian 12's glibc 2\.36 no number of this kind was read before, the pointer is wild, and every program crashes/,
  );
  assert.match(detail('scopev4 10.0.0.0 5\n', '2.31', 'scopev4-crash'), /can be ignored, be read as \/32 or crash/);
  assert.match(message('label ::1 5\n', '2.41'), /^No \/bits: glibc 2\.41\+ reads \/128, but up to 2\.40/);
  assert.match(
    detail('label ::1 5\n', '2.41'),
    /glibc 2\.41 and later read "::1" as ::1\/128, while glibc up to 2\.40 can ignore the line, read it as ::1\/128 or crash/,
  );
});

test('a misspelt directive is suggested when at most two edits away, also when its length differs by two', () => {
  const suggestions = [
    'lab',
    'labl',
    'Label',
    'lable',
    'scope',
    'scopev46',
    'precedenc',
    'precedance',
    'relo',
    'reloadxx',
  ].map(suggestDirective);
  assert.deepEqual(suggestions, [
    'label',
    'label',
    'label',
    'label',
    'scopev4',
    'scopev4',
    'precedence',
    'precedence',
    'reload',
    'reload',
  ]);
  for (const far of ['la', 'labelxyz', 'scopev4xyz', 'x', 'precedence-values'])
    assert.equal(suggestDirective(far), undefined, far);
});
