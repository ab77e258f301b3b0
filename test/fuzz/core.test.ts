/**
 * Property-based fuzzing of the analysis core: on any text the entry points an editor or the CLI
 * calls never throw, every range they return lies inside the document, and every quick fix
 * changes only its span (as an editor applies it) and removes the problem it names.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { Analysis, analyzeGaiConf } from '../../server/src/analysis/analysis';
import { probedProfiles, probeFor } from '../../server/src/analysis/effects';
import { DESTINATION_PAIRS } from '../../server/src/analysis/reference/hostProfiles';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixAllEdits } from '../../server/src/features/codeActions/fixAll';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { completionsAt } from '../../server/src/features/completion';
import { editorDiagnostics } from '../../server/src/features/diagnostics';
import { summarizeEffects } from '../../server/src/features/effectsSummary';
import { explainOrder } from '../../server/src/features/explain';
import { formatEdits } from '../../server/src/features/formatting';
import { hoverAt } from '../../server/src/features/hover';
import { documentSymbols, foldingSpans, OutlineSymbol } from '../../server/src/features/outline';
import { policyTables } from '../../server/src/features/policyTables';
import { Range, Span, TextLocator } from '../../server/src/features/positions';
import { GlibcVersion } from '../../server/src/glibc/versions';
import { generateGaiConf } from '../support/generate';
import { GLIBC_2_36, GLIBC_2_41 } from '../support/glibc';
import { anyText } from './arbitraries';
import { budget, testTimeout } from './budget';

interface Subject {
  readonly text: string;
  readonly analysis: Analysis;
  readonly locator: TextLocator;
  /** Offsets to ask position-based features about: every one for small texts, a sample for large. */
  readonly offsets: readonly number[];
  /** The editor's own text model of the text, made once: checking a range against it is then cheap. */
  readonly document: TextDocument;
}

/** Everything returned with a range, from each core entry point: a new feature adds one line here. */
const ENTRY_POINTS: Record<string, (s: Subject) => readonly Span[]> = {
  findings: (s) => s.analysis.findings,
  diagnostics: (s) =>
    editorDiagnostics(s.analysis, s.locator, {}, (code) => `file:///README.md#${code}`).map((d) => spanOf(s, d.range)),
  hover: (s) => s.offsets.flatMap((offset) => hoverAt(s.analysis, offset) ?? []),
  quickFixes: (s) => s.analysis.findings.flatMap((f) => fixesFor(s.analysis, f).flatMap((fix) => fix.edits)),
  fixAll: (s) => {
    const edits = fixAllEdits(s.analysis);
    applyEdits(s.text, edits);
    return edits;
  },
  effects: (s) => {
    summarizeEffects(s.analysis.effects);
    return [];
  },
  explain: (s) => {
    for (const probed of probedProfiles(s.analysis.tables))
      explainOrder(
        s.analysis.tables,
        probed.host,
        DESTINATION_PAIRS.flatMap((p) => [probeFor(s.analysis.tables, p.ipv6), probeFor(s.analysis.tables, p.ipv4)]),
      );
    return [];
  },
  policyTables: (s) => {
    policyTables(s.analysis.tables);
    return [];
  },
  // Each request rebuilds the tables without its line, so long texts are sampled at 256 offsets.
  completion: (s) =>
    s.offsets
      .filter((_, i) => i % Math.ceil(s.offsets.length / 256) === 0)
      .flatMap((offset) => completionsAt(s.analysis, offset)),
  formatting: (s) => {
    const edits = formatEdits(s.analysis.parsed);
    applyEdits(s.text, edits);
    return edits;
  },
  outline: (s) => {
    const flatten = (symbols: readonly OutlineSymbol[]): Span[] =>
      symbols.flatMap((symbol) => [
        symbol,
        { start: symbol.selectionStart, end: symbol.selectionEnd },
        ...flatten(symbol.children),
      ]);
    return flatten(documentSymbols(s.analysis));
  },
  folding: (s) => foldingSpans(s.analysis),
};

const GLIBCS: readonly GlibcVersion[] = [GLIBC_2_36, GLIBC_2_41];

function subject(text: string, glibc: GlibcVersion, offsets?: number[]): Subject {
  return {
    text,
    analysis: analyzeGaiConf(text, { glibc }),
    locator: new TextLocator(text),
    offsets: offsets ?? Array.from({ length: text.length + 1 }, (_, i) => i),
    document: TextDocument.create('file:///fuzz/gai.conf', 'gaiconf', 1, text),
  };
}

/** The offsets of an editor range, checked by the editor's own text model to name real places. */
function spanOf(s: Subject, range: Range): Span {
  const document = s.document;
  for (const position of [range.start, range.end]) {
    assert.ok(
      position.line >= 0 && position.line < document.lineCount,
      `line ${position.line} outside 0..${document.lineCount - 1}`,
    );
    assert.deepEqual(
      document.positionAt(document.offsetAt(position)),
      position,
      `${JSON.stringify(position)} is not a place in the document`,
    );
  }
  return { start: document.offsetAt(range.start), end: document.offsetAt(range.end) };
}

function assertInside(s: Subject, spans: readonly Span[], what: string): void {
  for (const span of spans) {
    assert.ok(
      Number.isInteger(span.start) && Number.isInteger(span.end),
      `${what}: offsets ${span.start}..${span.end}`,
    );
    assert.ok(
      span.start >= 0 && span.start <= span.end && span.end <= s.text.length,
      `${what}: ${span.start}..${span.end} outside 0..${s.text.length}`,
    );
    spanOf(s, s.locator.rangeOf(span));
  }
}

function checkEntryPoints(s: Subject): void {
  for (const [name, entry] of Object.entries(ENTRY_POINTS)) assertInside(s, entry(s), name);
}

test(
  'no core entry point throws on any text, and every range it returns lies inside the document',
  { timeout: testTimeout() },
  () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...GLIBCS), (text, glibc) => checkEntryPoints(subject(text, glibc))),
      budget(),
    );
  },
);

test(
  'every quick fix, applied as an editor applies it, changes only its span and removes the problem it fixes',
  { timeout: testTimeout() },
  () => {
    let applied = 0;
    fc.assert(
      fc.property(anyText, fc.constantFrom(...GLIBCS), (text, glibc) => {
        const s = subject(text, glibc, []);
        for (const finding of s.analysis.findings) {
          for (const fix of fixesFor(s.analysis, finding)) {
            const sorted = [...fix.edits].sort((a, b) => a.start - b.start);
            sorted.forEach((edit, i) =>
              assert.ok(i === 0 || sorted[i - 1].end <= edit.start, `"${fix.title}": overlapping edits`),
            );
            const after = applyEdits(text, fix.edits);
            const document = TextDocument.create('file:///fuzz/gai.conf', 'gaiconf', 1, text);
            const asEditor = TextDocument.applyEdits(
              document,
              fix.edits.map((e) => ({ range: s.locator.rangeOf(e), newText: e.newText })),
            );
            assert.equal(asEditor, after, `"${fix.title}": the editor applies the edits elsewhere`);
            assert.ok(
              after.startsWith(text.slice(0, sorted[0].start)) &&
                after.endsWith(text.slice(sorted[sorted.length - 1].end)),
              `"${fix.title}" changed text outside its span`,
            );
            // Gone: fewer findings of its code, or none left where it was (an edit can bring the next
            // word to the front, as removing a lone U+FEFF word does to a second one).
            const remaining = analyzeGaiConf(after, { glibc }).findings.filter((f) => f.code === finding.code);
            const shift = fix.edits
              .filter((e) => e.end <= finding.start && e.start < finding.start)
              .reduce((sum, e) => sum + e.newText.length - (e.end - e.start), 0);
            const before = s.analysis.findings.filter((f) => f.code === finding.code).length;
            assert.ok(
              remaining.length < before || !remaining.some((f) => f.start === finding.start + shift),
              `"${fix.title}" left ${finding.code} in ${JSON.stringify(after)}`,
            );
            if (finding.code === 'ula-demoted' || finding.code === 'table-replaced')
              assert.equal(fix.sure, false, 'fix-all skips these codes as never sure: they need a choice');
            applied++;
          }
        }
      }),
      budget(),
    );
    assert.ok(applied > 0, 'no quick fix was offered at all');
  },
);

test('large inputs: a 1 MB line, 100,000 lines, binary and NUL-filled files', { timeout: 300_000 }, () => {
  const megabyteLine = `label ${'f'.repeat(1 << 20)}/7 6`;
  const inputs: Record<string, string> = {
    'a 1 MB line': megabyteLine,
    'a 1 MB comment': `#${'label ::/0 1 '.repeat(80_000)}`,
    '100,000 generated lines': generateGaiConf(100_000),
    '100,000 empty CRLF lines': '\r\n'.repeat(100_000),
    '1 MB of NUL': '\0'.repeat(1 << 20),
    'lone surrogates': '\uD800label ::/0 1\uDFFF\n'.repeat(10_000),
  };
  for (const [name, text] of Object.entries(inputs)) {
    const offsets = Array.from({ length: 200 }, (_, i) => Math.floor((text.length * i) / 199));
    const s = subject(text, GLIBC_2_36, offsets);
    const sample = {
      ...s,
      analysis: {
        ...s.analysis,
        findings: s.analysis.findings.filter((_, i) => i % Math.ceil(s.analysis.findings.length / 50) === 0),
      },
    };
    try {
      checkEntryPoints(sample);
    } catch (error) {
      (error as Error).message = `${name}: ${(error as Error).message}`;
      throw error;
    }
  }
});
