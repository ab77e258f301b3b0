/**
 * gai-conf reset FILE: glibc's defaults by commenting out every active line, shown as a diff
 * (nothing else changes) and written only with --write.
 */

import { analyzeGaiConf } from '../../analysis/analysis';
import { applyEdits } from '../../features/codeActions/edits';
import { activeLines, resetEdits } from '../../features/codeActions/resetToDefaults';
import { DEFAULT_FILE, glibcFor, Output, ParsedArguments, readConfig, UsageError } from '../arguments';
import { writeOrPrint } from './preset';

/** A unified diff of changed lines only (no context), each line as glibc splits the file. */
function lineDiff(file: string, before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lines = [`--- ${file}`, `+++ ${file} (reset to glibc's defaults)`];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) lines.push(`@@ -${i + 1} +${i + 1} @@`, `-${a[i]}`, `+${b[i]}`);
  }
  return lines;
}

export function reset(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('reset takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const text = readConfig(file);
  const analysis = analyzeGaiConf(text, { glibc: glibcFor(args) });
  const active = activeLines(analysis);
  if (active.length === 0) {
    output.err(`gai-conf: ${file} has no active line: glibc already uses its built-in tables.`);
    return 0;
  }
  const after = applyEdits(text, resetEdits(analysis));
  if (!args.write) {
    for (const line of lineDiff(file, text, after)) output.out(line);
    output.err(
      `gai-conf: ${active.length} active line${active.length === 1 ? '' : 's'} would be commented out; --write writes ${file}.`,
    );
    return 0;
  }
  return writeOrPrint({ ...args, output: file }, output, after, "glibc's defaults (active lines commented out)");
}
