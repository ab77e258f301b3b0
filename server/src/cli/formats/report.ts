/** What `gai-conf check` found in one file, in the shape every output format reads. */

import { DiagnosticCode, Severity } from '../../analysis/catalogue';
import type { CrashRisk } from '../../analysis/crashRisk';
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
  /** For a Dockerfile, script, cloud-init file, Ansible task file or NixOS module: what it writes. */
  readonly source?: SourceReport;
}

/** The gai.conf files a source writes, each as built and judged. */
export interface SourceReport {
  /** dockerfile, shell, cloud-init, ansible or nixos. */
  readonly kind: string;
  /** "a Dockerfile (by its name)". */
  readonly description: string;
  readonly files: readonly {
    readonly name?: string;
    /** stock, written, opaque or none: what the file starts from. */
    readonly start: string;
    /** How it came about, in words. */
    readonly summary: string;
    /** The /etc/gai.conf that results. */
    readonly text: string;
    readonly effects: readonly EffectJson[];
    readonly effectsText: readonly string[];
  }[];
}
