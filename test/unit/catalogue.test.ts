import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { CATALOGUE, DIAGNOSTIC_CODES, MESSAGE_BUDGET } from '../../server/src/analysis/catalogue';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { suppressionFixes } from '../../server/src/features/codeActions/suppressionFixes';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { corpus } from '../support/corpus';
import { analyze } from '../support/glibc';

test('every diagnostic code has its own README section, and every section a code', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const diagnostics = readme.slice(readme.indexOf('## Diagnostics'), readme.indexOf('## How we know'));
  const headings = [...diagnostics.matchAll(/^### (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual([...headings].sort(), [...DIAGNOSTIC_CODES].sort());
});

/** Beyond the corpus: lines that draw every reader issue, under the builds whose wording differs. */
const EVERY_ISSUE = [
  '\uFEFFlabel ::1/128 5\nLable ::1/128 5\nprefer ipv6\nlabel ::1/128 5 x y\nlabel\nlabel /8 5\nlabel 2001:db8::g/32 5\n',
  'label 10.0.0.0/8 5\nlabel fe80::1%eth0/128 5\nlabel ::/0x10 5\nlabel ::/129 5\nlabel ::/+8 5\nlabel ::1/128\nlabel ::1/128#x 5\n',
  'scopev4 10.0.0.0 5\nscopev4 10.0.0.0/8 5\nscopev4 192.168.0.0 5\nscopev4 2001::/112 5\nlabel ::1 5\nreload yes\nreload YES\nlabel a\rb\n',
  'precedence ::ffff:0:0/96 100\nprecedence ::ffff:0:0/96 10\nprecedence 2001:db8::/32 40\nprecedence ::/0 100\nlabel ::/0 5\nlabel ::/0 6\nlabel fd00::/7 1\nlabel fec0::/10 9\n',
  '# gai-conf: ignore reload-enable\n# gai-conf: ignored x\n# gai-conf: ignore-file\nscopev4 ::ffff:10.0.0.0/104 5\nlabel a\0b 1\n',
];

test("every message keeps to the problems list's budget and every quick-fix title to the menu's, on the corpus and every issue", () => {
  const texts = [
    ...corpus().map((f) => ({ name: f.name, text: f.text })),
    ...EVERY_ISSUE.map((text, i) => ({ name: `issues-${i}`, text })),
  ];
  const seen = new Set<string>();
  for (const { name, text } of texts) {
    for (const version of ['2.31', '2.36', '2.41']) {
      const analysis = analyze(text, parseGlibcVersion(version)!);
      for (const finding of analysis.findings) {
        seen.add(finding.code);
        assert.ok(
          finding.message.length <= MESSAGE_BUDGET,
          `${name} (${version}) ${finding.code}, ${finding.message.length} characters: ${finding.message}`,
        );
        for (const fix of [...fixesFor(analysis, finding), ...suppressionFixes(analysis, finding)]) {
          assert.ok(
            fix.title.length <= 60,
            `${name} ${finding.code}: quick fix of ${fix.title.length} characters: ${fix.title}`,
          );
        }
      }
    }
  }
  assert.ok(seen.size >= 30, `only ${seen.size} codes met: ${[...seen].join(', ')}`);
});

test('the severity setting offers every code, with its summary and default, so that nobody types codes from memory', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const severity = manifest.contributes.configuration.properties['gaiconf.diagnostics.severity'];
  assert.deepEqual(Object.keys(severity.properties).sort(), [...DIAGNOSTIC_CODES].sort());
  for (const code of DIAGNOSTIC_CODES) {
    assert.deepEqual(
      severity.properties[code],
      {
        type: 'string',
        enum: ['error', 'warning', 'information', 'hint', 'off'],
        description: `${CATALOGUE[code].summary} Default: ${CATALOGUE[code].severity}.`,
      },
      code,
    );
  }
  // Settings show as "Glibc Version", not "Gaiconf: Glibc Version": the category id trims the prefix.
  assert.equal(manifest.contributes.configuration.id, 'gaiconf');
});
