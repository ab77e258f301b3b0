/** GitHub Actions annotations: the workflow-command syntax and the runner's escaping. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { escapeData, escapeProperty, githubAnnotations } from '../../server/src/cli/formats/github';
import { CheckedFinding, CheckReport } from '../../server/src/cli/formats/report';

const FINDING: CheckedFinding = {
  file: 'roles/a,b:c/gai.conf',
  line: 3,
  column: 1,
  endLine: 3,
  endColumn: 6,
  code: 'unknown-directive',
  severity: 'warning',
  message: 'glibc ignores this line: "Label" is 100% not a directive.\nDid you mean "label"?\r',
  documentation: 'file:///README.md#unknown-directive',
};

function report(findings: CheckedFinding[]): CheckReport {
  return {
    file: 'gai.conf',
    glibc: '2.36',
    glibcDescription: 'glibc 2.36',
    findings,
    suppressed: [],
    documentationBase: 'file:///README.md',
    effects: [],
    effectsText: [],
  };
}

test('escaping: %, CR and LF in messages; also : and , in properties', () => {
  assert.equal(escapeData('100% a\r\nb: c, d'), '100%25 a%0D%0Ab: c, d');
  assert.equal(escapeProperty('100% a\r\nb: c, d'), '100%25 a%0D%0Ab%3A c%2C d');
});

test('one command per finding, the level from the severity, columns with the last character inclusive', () => {
  assert.deepEqual(githubAnnotations(report([FINDING])), [
    '::warning file=roles/a%2Cb%3Ac/gai.conf,line=3,endLine=3,col=1,endColumn=5,title=gai-conf unknown-directive::glibc ignores this line: "Label" is 100%25 not a directive.%0ADid you mean "label"?%0D',
  ]);
  const levels = (['error', 'warning', 'information', 'hint'] as const).map(
    (severity) => githubAnnotations(report([{ ...FINDING, severity }]))[0].split(' ')[0],
  );
  assert.deepEqual(levels, ['::error', '::warning', '::notice', '::notice']);
});

test('a finding over several lines gets no columns, which GitHub reads only on one line', () => {
  const [command] = githubAnnotations(report([{ ...FINDING, line: 1, column: 16, endLine: 2, endColumn: 1 }]));
  assert.match(command, /^::warning file=[^,]+,line=1,endLine=2,title=gai-conf unknown-directive::/);
});
