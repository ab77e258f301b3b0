/** "Fix all": the safe fixes of every finding, as one set of edits that never overlap. */

import { Analysis } from '../../analysis/analysis';
import { DiagnosticCode } from '../../analysis/catalogue';
import { TextEdit } from './edits';
import { fixesFor } from './quickFixes';

/**
 * Codes whose fixes rewrite tables and are verified by re-analysing the whole file: never safe,
 * and fix-all skips them without paying for that re-analysis.
 */
const WHOLE_FILE_FIXES: ReadonlySet<DiagnosticCode> = new Set(['ula-demoted', 'table-replaced']);

/** The safe fixes of every finding, without overlapping edits: what "fix all" applies. */
export function fixAllEdits(analysis: Analysis): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const finding of analysis.findings) {
    if (WHOLE_FILE_FIXES.has(finding.code)) continue;
    for (const fix of fixesFor(analysis, finding).filter((f) => f.safe)) {
      if (fix.edits.every((e) => edits.every((o) => e.end <= o.start || e.start >= o.end || (e.start === e.end && o.start === o.end && e.start !== o.start)))) {
        edits.push(...fix.edits);
        break;
      }
    }
  }
  return edits;
}

