/**
 * A container's verdict from the one effects model: its own gai.conf (or glibc's built-in tables
 * when it has none), read by its own glibc, with its own addresses and default routes standing as
 * "this machine". The same analysis, findings and effects as for a file.
 */

import { Analysis, HostLibc, analyzeGaiConf } from '../analysis/analysis';
import { Effect, FamilyChoice } from '../analysis/effects';
import { Host } from '../glibc/sourceSelection';
import { FALLBACK_GLIBC, GlibcVersion } from '../glibc/versions';

export interface ContainerFacts {
  /** The file's text; undefined when the container has none (glibc keeps its built-in tables). */
  readonly gaiConf: string | undefined;
  readonly glibc: GlibcVersion | undefined;
  readonly libc: HostLibc;
  readonly host: Host;
}

export interface ContainerVerdict {
  readonly analysis: Analysis;
  /** The container's own effects ("this machine"), one per destination pair. */
  readonly effects: readonly Effect[];
  /** What it tries first for a dual-stacked destination with global IPv6 and IPv4; undefined for musl (the file is not read). */
  readonly globalFirst: FamilyChoice | undefined;
}

export function judgeContainer(facts: ContainerFacts): ContainerVerdict {
  const analysis = analyzeGaiConf(facts.gaiConf ?? '', { glibc: facts.glibc ?? FALLBACK_GLIBC, hostLibc: facts.libc, thisMachine: facts.host });
  const effects = analysis.effects.filter((e) => e.host.id === 'this-machine');
  const globalFirst = facts.libc === 'glibc' ? effects.find((e) => e.pair.id === 'global')?.file : undefined;
  return { analysis, effects, globalFirst };
}
