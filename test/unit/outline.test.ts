import assert from 'node:assert/strict';
import { test } from 'node:test';

import { documentSymbols, foldingSpans } from '../../server/src/features/outline';
import { analyze } from '../support/glibc';

const TEXT = [
  '# Local policy.',
  '# Two comment lines fold.',
  'label ::1/128 0',
  'label fd00::/7 1',
  'precedence ::ffff:0:0/96 100',
  'label fc00::/7',
  'Label ::/0 1',
  'reload',
  'scopev4 10.0.0.0/8 5 # private',
  '',
].join('\n');

test('symbols: one group per table in directive order, each row named by prefix and value as written', () => {
  const symbols = documentSymbols(analyze(TEXT));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.detail]),
    [
      ['label', 'replaces the built-in table: 4 rows in effect'],
      ['precedence', 'replaces the built-in table: 2 rows in effect'],
      ['scopev4', 'replaces the built-in table: 2 rows in effect'],
      ['reload', 'off'],
    ],
  );
  assert.deepEqual(
    symbols[0].children.map((c) => [c.name, c.detail]),
    [
      ['::1/128 0', '::1/128 0'],
      ['fd00::/7 1', 'fd00::/7 1'],
      ['fc00::/7', 'fc00::/7 0'],
    ],
  );
  assert.deepEqual(
    symbols[3].children.map((c) => [c.name, c.detail]),
    [['(bare reload)', 'reloading off']],
  );
  const scope = symbols[2].children[0];
  assert.equal(TEXT.slice(scope.start, scope.end), 'scopev4 10.0.0.0/8 5');
  assert.equal(
    TEXT.slice(symbols[0].start, symbols[0].end).split('\n').length,
    4,
    'the label group spans its first to its last line',
  );
  for (const symbol of symbols) assert.ok(symbol.selectionStart >= symbol.start && symbol.selectionEnd <= symbol.end);
  assert.deepEqual(
    documentSymbols(analyze('label  ::1/128 0x1\n')).map((s) => s.children[0].detail),
    ['ignored by glibc'],
  );
});

test('folding: comment blocks and runs of one directive, never a single line', () => {
  const spans = foldingSpans(analyze(TEXT)).map((s) => [s.kind, TEXT.slice(s.start, s.end)]);
  assert.deepEqual(spans, [
    ['comment', '# Local policy.\n# Two comment lines fold.'],
    ['region', 'label ::1/128 0\nlabel fd00::/7 1'],
  ]);
});

test("a row after its table's first catch-all says it is never reached", () => {
  const [labels] = documentSymbols(analyze('label ::/0 5\nlabel ::/0 6\n'));
  assert.deepEqual(
    labels!.children.map((c) => c.detail),
    ['::/0 5', '::/0 6, never reached (lookups stop at the catch-all on line 1)'],
  );
});
