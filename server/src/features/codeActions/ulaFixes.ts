/**
 * The two fixes for ULA hosts that prefer IPv4 (ula-demoted): the RFC 3484 label rows, or glibc's
 * label table with fc00::/7 given the global label. Each is offered only when the fixed file,
 * analysed again, no longer has the problem.
 */

import { Analysis, analyzeEdited } from '../../analysis/analysis';
import { DiagnosticCode, Finding } from '../../analysis/catalogue';
import { GLIBC_LABEL_DEPARTURES, RFC3484_LABELS } from '../../analysis/reference/rfcTables';
import { ULA_RANGE } from '../../analysis/reference/wellKnownPrefixes';
import { prefixContains } from '../../glibc/addresses';
import { GLIBC_DEFAULT_LABELS, TableKind } from '../../glibc/builtinTables';
import { lineAt, ParsedLine } from '../../glibc/reader';
import { droppedBuiltinRows, rowPrefixText } from '../../glibc/tables';
import { applyEdits, Fix, TextEdit } from './edits';
import { commentOut, ensureRows, matchesTarget, prefixTarget, TargetRow } from './tableRows';
import { anotherTableKeepsCode } from './untouchedTables';

function overlapsUla(line: ParsedLine): boolean {
  const fate = line.reading?.fate;
  if (fate?.kind !== 'row' || fate.row.table !== 'label' || fate.row.bits === 0) return false;
  const bits = Math.min(fate.row.bits, ULA_RANGE.bits);
  return prefixContains(ULA_RANGE.bytes, bits, fate.row.bytes);
}

/** An active label row for glibc's ULA, site-local or Teredo departures from RFC 3484 (or one overlapping ULA space). */
function isDepartureRow(analysis: Analysis, line: ParsedLine): boolean {
  return (
    overlapsUla(line) ||
    GLIBC_LABEL_DEPARTURES.some((entry) => matchesTarget(analysis, line, 'reading', prefixTarget('label', entry)))
  );
}

/**
 * Keeps a fix only when re-analysing the edited file shows the finding gone and no finding the
 * file did not have before; for the ULA finding, also when ULA hosts then choose between IPv6 and
 * IPv4 exactly as hosts with global IPv6 do.
 */
function verified(
  analysis: Analysis,
  code: DiagnosticCode,
  edits: TextEdit[],
  onlyTable?: TableKind,
): TextEdit[] | undefined {
  if (edits.length === 0) return undefined;
  // An editor asks for the fixes of the same finding at every cursor move: each verdict is
  // worked out once per analysis, not by a full analysis per request.
  let verdicts = verdictsOf.get(analysis);
  if (!verdicts) verdictsOf.set(analysis, (verdicts = new Map()));
  const key = `${code}\0${JSON.stringify(edits)}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    // A fix of one table that another table's finding outlives is refused without the re-analysis.
    verdict = !(onlyTable && anotherTableKeepsCode(analysis, code, onlyTable, edits)) && verify(analysis, code, edits);
    verdicts.set(key, verdict);
  }
  return verdict ? edits : undefined;
}

const verdictsOf = new WeakMap<Analysis, Map<string, boolean>>();

function verify(analysis: Analysis, code: DiagnosticCode, edits: TextEdit[]): boolean {
  // Read from the analysed lines: only the lines the fix changes are read again.
  const after = analyzeEdited(analysis, applyEdits(analysis.parsed.text, edits));
  const before = new Set(analysis.findings.map((f) => f.code));
  if (after.findings.some((f) => f.code === code || !before.has(f.code))) return false;
  const choice = (host: 'ula' | 'global') =>
    after.effects.find((e) => e.host.id === host && e.pair.id === 'global')?.file;
  return code !== 'ula-demoted' || choice('ula') === choice('global');
}

const ULA_TRADE_OFF = 'hosts with global IPv6 will also try ULA destinations before IPv4';

export function ulaFixes(analysis: Analysis): Fix[] {
  const fixes: Fix[] = [];
  const lines = analysis.parsed.lines;
  const rfc3484 = [
    ...ensureRows(
      analysis,
      'label',
      RFC3484_LABELS.map((e) => prefixTarget('label', e)),
    ),
    ...lines.filter((l) => isDepartureRow(analysis, l)).map(commentOut),
  ];
  const first = verified(analysis, 'ula-demoted', rfc3484);
  if (first)
    fixes.push({
      title: "Use RFC 3484's label rows (ULA hosts prefer IPv6)",
      codes: ['ula-demoted'],
      edits: first,
      preferred: true,
      sure: false,
      note: `Drops glibc's ULA, site-local and Teredo label rows; ${ULA_TRADE_OFF}.`,
    });
  const keepGlibc = GLIBC_DEFAULT_LABELS.map((e) =>
    prefixTarget('label', e.prefix === 'fc00::' ? { ...e, value: 1 } : e),
  );
  const fcTarget = keepGlibc.find((t) => t.bits === 7)!;
  const second = verified(analysis, 'ula-demoted', [
    ...ensureRows(analysis, 'label', keepGlibc),
    ...lines.filter((l) => overlapsUla(l) && !matchesTarget(analysis, l, 'reading', fcTarget)).map(commentOut),
  ]);
  if (second)
    fixes.push({
      title: "Give fc00::/7 the global label 1 (keep glibc's table)",
      codes: ['ula-demoted'],
      edits: second,
      preferred: false,
      sure: false,
      note: `Keeps glibc's other label rows; ${ULA_TRADE_OFF}.`,
    });
  return fixes;
}

export function tableReplacedFix(analysis: Analysis, finding: Finding): Fix | undefined {
  const line = lineAt(analysis.parsed, finding.start);
  const fate = line?.reading?.fate;
  if (fate?.kind !== 'row') return undefined;
  const kind = fate.row.table;
  const table = analysis.tables[kind];
  const targets = droppedBuiltinRows(table).map((row): TargetRow => ({
    kind,
    prefixText: rowPrefixText(row),
    bytes: row.bytes,
    bits: row.bits,
    value: row.value,
  }));
  const edits = verified(analysis, 'table-replaced', ensureRows(analysis, kind, targets), kind);
  if (!edits) return undefined;
  const rows = targets.map((t) => `${t.prefixText} ${t.value}`).join(', ');
  return {
    title: `Add the ${targets.length} built-in ${kind} row${targets.length === 1 ? '' : 's'} this file drops`,
    codes: ['table-replaced'],
    edits,
    preferred: true,
    sure: false,
    note: `Adds ${rows}: those addresses get glibc's built-in values again.`,
  };
}
