/** What `gai-conf check` found in one file, in the shape every output format reads. */

import type { CrashRisk } from '../../analysis/crashRisk';
import { DiagnosticCode, Severity } from '../../analysis/catalogue';
import { EffectJson } from '../../features/effectsSummary';

export interface CheckedFinding {
  readonly file: string;
  /** From 1; columns count UTF-16 code units, the end is exclusive. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** How glibc gets there (the editor's hover); absent where the message says it all. */
  readonly detail?: string;
  readonly documentation: string;
}

export interface CheckReport {
  readonly file: string;
  /** "2.36": the glibc whose reading the findings describe. */
  readonly glibc: string;
  /** "glibc 2.36 (the glibc this runs on)". */
  readonly glibcDescription: string;
  readonly findings: readonly CheckedFinding[];
  /** Findings a `# gai-conf: ignore` comment silences. */
  readonly suppressed: readonly CheckedFinding[];
  /** The README's documentation of every code, without the #anchor. */
  readonly documentationBase: string;
  /** gai-conf's own version, where known. */
  readonly toolVersion?: string;
  /** What the file does to connections: the effects model's entries, and in words. */
  readonly effects: readonly EffectJson[];
  readonly effectsText: readonly string[];
  /** Lines whose undefined behaviour on this glibc may crash every program (a prefix without /bits). */
  readonly mayCrash?: readonly CrashRisk[];
}
