/**
 * Lines that may crash every program, for the outputs that would otherwise give one confident
 * answer (an order, what the file does to connections): a prefix without /bits up to glibc 2.40
 * reads through a pointer no line of the file has set, and leftover memory decides between
 * reading the line, ignoring it and crashing.
 */

import { UndefinedOutcome } from '../glibc/endPointer';
import { ParsedFile } from '../glibc/reader';

export interface CrashRisk {
  /** 1-based. */
  readonly line: number;
  readonly outcomes: readonly UndefinedOutcome[];
  /** "Debian 11's glibc 2.31 crashed", when a measured build did so. */
  readonly measured?: string;
}

export function crashRisks(parsed: ParsedFile): CrashRisk[] {
  return parsed.lines.flatMap((line) => {
    const fate = line.fate;
    if (fate.kind !== 'undefined' || fate.crash || !fate.outcomes.includes('crash')) return [];
    const reading = 'reading' in fate.issue ? fate.issue.reading : undefined;
    const measured =
      reading?.basis === 'leftover-memory' && reading.measured
        ? `${reading.measured.build} ${reading.measured.outcome === 'crash' ? 'crashed' : reading.measured.outcome === 'ignored' ? 'ignored it' : 'read it as the full length'}`
        : undefined;
    return [{ line: line.index + 1, outcomes: fate.outcomes, ...(measured ? { measured } : {}) }];
  });
}

/** One sentence: the program may crash, and what the answer that follows assumes. */
export function crashRiskText(risks: readonly CrashRisk[]): string | undefined {
  if (risks.length === 0) return undefined;
  const lines = risks.map((r) => r.line);
  const which = lines.length === 1 ? `Line ${lines[0]} is` : `Lines ${lines.join(', ')} are`;
  const measured = risks.find((r) => r.measured)?.measured;
  return `${which} undefined behaviour on this glibc (a prefix without /bits): a program may crash at its first lookup with several addresses${measured ? ` (measured: ${measured})` : ''}; what follows holds only for a program that does not crash and ignores ${lines.length === 1 ? 'that line' : 'those lines'}.`;
}
