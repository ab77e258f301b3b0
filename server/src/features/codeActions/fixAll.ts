/** "Fix all": the sure fixes of every finding, as one set of edits that never overlap, and what they leave. */

import { Analysis, analyzeEdited } from '../../analysis/analysis';
import { DiagnosticCode, Finding } from '../../analysis/catalogue';
import { lineAt } from '../../glibc/reader';
import { applyEdits, TextEdit } from './edits';
import { fixesFor } from './quickFixes';

/**
 * Codes whose fixes rewrite tables and are verified by re-analysing the whole file: they need a
 * choice, and fix-all skips them without paying for that re-analysis.
 */
const WHOLE_FILE_FIXES: ReadonlySet<DiagnosticCode> = new Set(['ula-demoted', 'table-replaced']);

/** The sure fixes of every finding, without overlapping edits: what "fix all" applies. */
export function fixAllEdits(analysis: Analysis): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const finding of analysis.findings) {
    if (WHOLE_FILE_FIXES.has(finding.code)) continue;
    for (const fix of fixesFor(analysis, finding).filter((f) => f.sure)) {
      if (
        fix.edits.every((e) =>
          edits.every(
            (o) =>
              e.end <= o.start || e.start >= o.end || (e.start === e.end && o.start === o.end && e.start !== o.start),
          ),
        )
      ) {
        edits.push(...fix.edits);
        break;
      }
    }
  }
  return edits;
}

export interface LeftFinding {
  readonly code: DiagnosticCode;
  /** 1-based, in the fixed file. */
  readonly line: number;
}

export interface FixAllPlan {
  readonly edits: TextEdit[];
  /** Findings the edits remove. */
  readonly fixed: number;
  /** The findings of the fixed file: each needs a choice (a quick fix to pick) or a hand. */
  readonly left: readonly LeftFinding[];
}

/**
 * Fix-all's edits and, from the fixed file analysed again (by `reanalyse`, with the document's own
 * options where the caller has them), what it leaves for the user.
 */
export function fixAllPlan(
  analysis: Analysis,
  reanalyse: (text: string) => Analysis = (text) => analyzeEdited(analysis, text),
): FixAllPlan {
  const edits = fixAllEdits(analysis);
  const after = edits.length === 0 ? analysis : reanalyse(applyEdits(analysis.parsed.text, edits));
  const left = after.findings.map((f: Finding) => ({
    code: f.code,
    line: (lineAt(after.parsed, f.start)?.index ?? 0) + 1,
  }));
  return { edits, fixed: Math.max(0, analysis.findings.length - after.findings.length), left };
}

/** "Fix 7 gai.conf problems (2 left)": the action's title, short enough for a menu. */
export function fixAllTitle(plan: FixAllPlan): string {
  const fixed = `Fix ${plan.fixed} gai.conf problem${plan.fixed === 1 ? '' : 's'}`;
  return plan.left.length === 0 ? fixed : `${fixed} (${plan.left.length} left to choose)`;
}

/** What fix-all left, in a sentence: the codes and their lines. */
export function fixAllReport(plan: Pick<FixAllPlan, 'fixed' | 'left'>): string {
  const fixed = `Fixed ${plan.fixed} gai.conf problem${plan.fixed === 1 ? '' : 's'}.`;
  if (plan.left.length === 0) return `${fixed} Nothing is left.`;
  const byCode = new Map<DiagnosticCode, number[]>();
  for (const f of plan.left) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f.line]);
  const list = [...byCode]
    .map(([code, lines]) => `${code} (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')})`)
    .join(', ');
  return `${fixed} Left, without one sure fix: ${list}. Each one's hover and quick fixes say what to choose.`;
}
