/** Quick fixes on the gai.conf a source writes: carried to the source, offered only when the source then builds the fixed file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkEmbedded,
  EmbeddedCheck,
  SourceKindName,
  sourceKindNamed,
} from '../../server/src/analysis/embedded/embedded';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { embeddedFixes } from '../../server/src/features/embeddedFixes';
import { GLIBC_2_36 } from '../support/glibc';

function fixesOf(kind: SourceKindName, text: string, start = 0, end = text.length) {
  const recheck = (source: string): EmbeddedCheck =>
    checkEmbedded(source, sourceKindNamed(kind), { glibc: GLIBC_2_36 }, undefined);
  return { fixes: embeddedFixes(text, recheck(text), start, end, recheck), recheck };
}

const codesOf = (check: EmbeddedCheck): string[] => check.files.flatMap((f) => f.findings.map((x) => x.code));

for (const [kind, text, typoLine] of [
  ['dockerfile', 'FROM debian:12\nRUN echo "precendence ::ffff:0:0/96 100" >> /etc/gai.conf\n', 2],
  ['shell', '#!/bin/sh\ncat > /etc/gai.conf <<EOF\nprecendence  ::/0  40\nlabel fc00::/7 1\nEOF\n', 3],
  [
    'ansible',
    '- name: Prefer IPv4\n  ansible.builtin.lineinfile:\n    path: /etc/gai.conf\n    line: precendence ::ffff:0:0/96 100\n    create: true\n',
    4,
  ],
  [
    'cloud-init',
    '#cloud-config\nwrite_files:\n  - path: /etc/gai.conf\n    content: |\n      precendence ::/0 40\n',
    5,
  ],
] as const) {
  test(`${kind}: the typo's fix changes that word of the source, and the source then builds a file without it`, () => {
    const { fixes, recheck } = fixesOf(kind, text);
    const typo = fixes.find((f) => f.finding.code === 'unknown-directive');
    assert.ok(typo, JSON.stringify(fixes.map((f) => f.fix.title)));
    assert.equal(typo.fix.title, 'Change "precendence" to "precedence"');
    assert.deepEqual(typo.fix.edits, [
      { start: text.indexOf('precendence'), end: text.indexOf('precendence') + 11, newText: 'precedence' },
    ]);
    assert.equal(text.slice(typo.finding.start, typo.finding.end), 'precendence');
    assert.equal(text.slice(0, typo.finding.start).split('\n').length, typoLine);
    const fixed = applyEdits(text, typo.fix.edits);
    assert.equal(fixed, text.replace('precendence', 'precedence'));
    assert.ok(!codesOf(recheck(fixed)).includes('unknown-directive'), codesOf(recheck(fixed)).join());
  });
}

test('only the findings in the range asked about get fixes', () => {
  const text = 'FROM debian:12\nRUN echo "precendence ::ffff:0:0/96 100" >> /etc/gai.conf\n';
  assert.deepEqual(fixesOf('dockerfile', text, 0, 5).fixes, []);
  assert.equal(fixesOf('dockerfile', text, text.indexOf('::ffff'), text.indexOf('::ffff')).fixes.length, 0);
});

test('a fix whose characters the source writes twice is not offered: the fixed source would change both lines', () => {
  // printf reuses its format for each argument: one "precendence" in the source, two lines in the file.
  const text = "#!/bin/sh\nprintf 'precendence %s 100\\n' ::ffff:0:0/96 2002::/16 > /etc/gai.conf\n";
  const check = checkEmbedded(text, sourceKindNamed('shell'), { glibc: GLIBC_2_36 }, undefined);
  assert.deepEqual(
    check.files[0].built.text,
    'precendence ::ffff:0:0/96 100\nprecendence 2002::/16 100\n',
    'the printf reading this test relies on',
  );
  assert.ok(codesOf(check).includes('unknown-directive'));
  assert.deepEqual(
    fixesOf('shell', text).fixes.filter((f) => f.finding.code === 'unknown-directive'),
    [],
  );
});
