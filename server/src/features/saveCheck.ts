/**
 * What Save as Root must say before it writes a text over a file: the line that would crash every
 * program's getaddrinfo() on the glibc the analysis imitates. Whatever the severity settings and
 * suppressions say: a crash is not a matter of taste.
 */

import { Analysis } from '../analysis/analysis';

export interface CrashWarning {
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

export function crashWarning(analysis: Analysis): CrashWarning | null {
  const line = analysis.tables.crash;
  if (!line) return null;
  const finding = [...analysis.findings, ...analysis.suppressed].find(
    (f) => f.code === 'scopev4-crash' && f.start >= line.start && f.start <= line.end,
  );
  return { line: line.index + 1, message: finding?.message ?? 'glibc crashes on this line.' };
}
