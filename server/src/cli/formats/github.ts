/**
 * GitHub Actions workflow commands that annotate the file in a pull request:
 * `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=T::message`. The runner reads
 * `%25`, `%0D` and `%0A` back as %, CR and LF in the message, and also `%3A` and `%2C` in the
 * properties, where : and , would end a value. Columns are given only for a finding on one line
 * (GitHub ignores them otherwise); endColumn is the column of its last character.
 */

import { Severity } from '../../analysis/catalogue';
import { CheckReport } from './report';

const GITHUB_LEVEL: Readonly<Record<Severity, string>> = {
  error: 'error',
  warning: 'warning',
  information: 'notice',
  hint: 'notice',
};

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotations(report: CheckReport): string[] {
  return report.findings.map((f) => {
    const oneLine = f.line === f.endLine;
    const properties: [string, string | number][] = [
      ['file', f.file],
      ['line', f.line],
      ['endLine', f.endLine],
      ...(oneLine
        ? ([
            ['col', f.column],
            ['endColumn', Math.max(f.column, f.endColumn - 1)],
          ] as [string, number][])
        : []),
      ['title', `gai-conf ${f.code}`],
    ];
    return `::${GITHUB_LEVEL[f.severity]} ${properties.map(([name, value]) => `${name}=${escapeProperty(String(value))}`).join(',')}::${escapeData(f.message)}`;
  });
}
