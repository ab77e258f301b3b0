/**
 * Formatting judged by real glibc: every hand-written parse case, this machine's /etc/gai.conf and
 * generated files go to the installed glibc before and after formatting, and the tables it builds
 * must be the same. No model of glibc in between.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { applyEdits } from '../../server/src/features/codeActions/edits';
import { formatEdits } from '../../server/src/features/formatting';
import { generatedGaiConf } from '../support/generate';
import { seededRandom } from '../support/generate';
import { analyze } from '../support/glibc';
import { testNeeding } from '../support/prerequisites';
import { glibcTablesOracleUnavailable, readTablesWithGlibc } from './glibcTables';
import { PARSE_CASES } from './parseCases';

const unavailable = glibcTablesOracleUnavailable();

testNeeding(unavailable, 'formatting never changes the tables real glibc builds', { timeout: 600_000 }, async () => {
  const next = seededRandom(0x5eed);
  const texts = [
    ...PARSE_CASES.map((c) =>
      typeof c.content === 'string' ? c.content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(c.content),
    ),
    ...(existsSync('/etc/gai.conf') ? [readFileSync('/etc/gai.conf', 'utf8')] : []),
    ...Array.from({ length: 150 }, () => generatedGaiConf(next)),
  ]
    // Lines without /bits are undefined behaviour up to 2.40: glibc's reading depends on memory.
    .filter((text) => !analyze(text).parsed.lines.some((l) => l.fate.kind === 'undefined' && !l.fate.crash));
  const formatted = texts.map((text) => applyEdits(text, formatEdits(analyze(text).parsed)));
  const changed = texts.filter((text, i) => formatted[i] !== text).length;
  assert.ok(changed > 50, `only ${changed} of ${texts.length} files change when formatted`);
  const [before, after] = [await readTablesWithGlibc(texts), await readTablesWithGlibc(formatted)];
  const differ = texts.flatMap((text, i) =>
    JSON.stringify(before[i]) === JSON.stringify(after[i])
      ? []
      : [`${JSON.stringify(text)}\n  before: ${JSON.stringify(before[i])}\n  after:  ${JSON.stringify(after[i])}`],
  );
  assert.deepEqual(
    differ,
    [],
    `${differ.length} of ${texts.length} files read differently after formatting:\n${differ.join('\n')}`,
  );
});
