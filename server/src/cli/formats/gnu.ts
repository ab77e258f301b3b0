/**
 * GCC-style lines, `FILE:LINE:COLUMN: warning: message [code]`, as compilers print them and as
 * Emacs's compilation mode, Vim's quickfix and CI log scanners read them. "information" and
 * "hint" are notes there.
 */

import { Severity } from '../../analysis/catalogue';
import { CheckReport } from './report';

const GNU_SEVERITY: Readonly<Record<Severity, string>> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

export function gnuLines(report: CheckReport): string[] {
  return report.findings.map(
    (f) => `${f.file}:${f.line}:${f.column}: ${GNU_SEVERITY[f.severity]}: ${f.message} [${f.code}]`,
  );
}
