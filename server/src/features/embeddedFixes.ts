/**
 * Quick fixes on the gai.conf a Dockerfile, script, YAML or Nix file writes: each fix of the file
 * it builds, carried to the source's own characters, and offered only when reading the fixed
 * source again builds exactly the fixed file. A fix the source could not hold as written (text
 * that the shell, YAML or Nix would read otherwise, a line the source does not show) is not offered.
 */

import { Finding } from '../analysis/catalogue';
import { BuiltFile, EmbeddedCheck } from '../analysis/embedded/embedded';
import { applyEdits, Fix, TextEdit } from './codeActions/edits';
import { fixesFor } from './codeActions/quickFixes';

export interface EmbeddedFix {
  /** The finding on the built file, at the source's characters. */
  readonly finding: Finding;
  /** The fix, its edits on the source. */
  readonly fix: Fix;
}

/** A built file's span in the source, when every character of it came from the source in one run. */
function sourceRun(built: BuiltFile, start: number, end: number): { start: number; end: number } | undefined {
  const first = built.origins[start];
  if (first === undefined || first < 0) return undefined;
  for (let at = start + 1; at < end; at++) if (built.origins[at] !== first + (at - start)) return undefined;
  return { start: first, end: first + (end - start) };
}

/** An edit of the built file as an edit of the source; undefined where its place is not the source's. */
function carriedEdit(edit: TextEdit, built: BuiltFile): TextEdit | undefined {
  if (edit.start < edit.end) {
    const run = sourceRun(built, edit.start, edit.end);
    return run && { ...run, newText: edit.newText };
  }
  // An insertion goes before the character at its place, or after the one before it.
  const after = built.origins[edit.start];
  const before = built.origins[edit.start - 1];
  const at = after !== undefined && after >= 0 ? after : before !== undefined && before >= 0 ? before + 1 : undefined;
  return at === undefined ? undefined : { start: at, end: at, newText: edit.newText };
}

/**
 * The fixes for the findings of `check` (of the source `text`) that touch the source's characters
 * from `start` to `end`; `recheck` reads a source again as `check` was read.
 */
export function embeddedFixes(
  text: string,
  check: EmbeddedCheck,
  start: number,
  end: number,
  recheck: (text: string) => EmbeddedCheck,
): EmbeddedFix[] {
  const found: EmbeddedFix[] = [];
  for (const [index, file] of check.files.entries()) {
    for (const finding of file.analysis.findings) {
      const at = sourceRun(file.built, finding.start, Math.max(finding.end, finding.start + 1));
      if (!at || at.end < start || at.start > end) continue;
      for (const fix of fixesFor(file.analysis, finding)) {
        const edits = fix.edits.map((edit) => carriedEdit(edit, file.built));
        if (edits.some((edit) => edit === undefined)) continue;
        const sourceEdits = edits as TextEdit[];
        const fixed = recheck(applyEdits(text, sourceEdits)).files[index];
        if (fixed?.built.text !== applyEdits(file.built.text, fix.edits)) continue;
        found.push({
          finding: { ...finding, start: at.start, end: at.start + (finding.end - finding.start) },
          fix: { ...fix, edits: sourceEdits },
        });
      }
    }
  }
  return found;
}
