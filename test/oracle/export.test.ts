/**
 * `gai-conf table --format gai.conf` judged by real glibc under gdb: for every corpus file, parse
 * case and this machine's /etc/gai.conf, and every glibc the tools step set up, the exported file
 * must give the same label, precedence and scopev4 arrays (and reload) as the original. Files
 * whose reading is undefined behaviour on a version (glibc may crash or read them otherwise) are
 * left out for that version: the export says so instead.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { describeGlibcVersion } from '../../server/src/analysis/glibcDescription';
import { exportRefusal, exportTables } from '../../server/src/features/tablesFile';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { corpus } from '../support/corpus';
import { analyze, GLIBC_2_36 } from '../support/glibc';
import { installedGlibcs, judgingGlibcs } from '../support/glibcVersions';
import { testNeeding, testPrerequisite } from '../support/prerequisites';
import { glibcTablesOracleUnavailable, glibcTablesOracleUnavailableWith, readTablesWithGlibc } from './glibcTables';
import { PARSE_CASES } from './parseCases';

const asText = (content: string | Buffer) =>
  typeof content === 'string' ? content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
const stock = existsSync('/etc/gai.conf')
  ? [{ name: "this machine's /etc/gai.conf", text: readFileSync('/etc/gai.conf', 'utf8') }]
  : [];
const FILES = [...stock, ...corpus(), ...PARSE_CASES.map((c) => ({ name: c.name, text: asText(c.content) }))];
const { missing } = installedGlibcs();

for (const glibc of judgingGlibcs()) {
  const which = glibc === undefined ? "this machine's glibc" : `glibc ${glibc.version} (${glibc.suite})`;
  const unavailable = glibc === undefined ? glibcTablesOracleUnavailable() : glibcTablesOracleUnavailableWith(glibc);
  testNeeding(
    unavailable,
    `every exported file gives real ${which} the tables of its original`,
    { timeout: 600_000 },
    async () => {
      const version = glibc === undefined ? GLIBC_2_36 : parseGlibcVersion(glibc.version)!;
      const judged = FILES.flatMap((file) => {
        const analysis = analyze(file.text, version);
        if (exportRefusal(analysis) !== null || analysis.parsed.lines.some((l) => l.fate.kind === 'undefined'))
          return [];
        return [
          {
            name: file.name,
            original: file.text,
            exported: exportTables(analysis, file.name, describeGlibcVersion(version)).text,
          },
        ];
      });
      assert.ok(judged.length >= 60, `${judged.length} files judged`);
      assert.ok(
        judged.some((j) => /^(label|precedence|scopev4) /m.test(j.exported)) &&
          judged.some((j) => !/^(label|precedence|scopev4) /m.test(j.exported)),
        'replaced and built-in tables both judged',
      );
      const real = await readTablesWithGlibc(
        judged.flatMap((j) => [j.original, j.exported]),
        glibc,
      );
      const mismatches = judged.flatMap((j, i) => {
        const [original, exported] = [real[2 * i], real[2 * i + 1]];
        return JSON.stringify(original) === JSON.stringify(exported)
          ? []
          : [
              `${j.name}:\n  original: ${JSON.stringify(original)}\n  exported: ${JSON.stringify(exported)}\n${j.exported}`,
            ];
      });
      assert.deepEqual(mismatches, [], `${mismatches.length} of ${judged.length} exports differ`);
    },
  );
}

testPrerequisite('export oracle: every judging glibc', missing);
