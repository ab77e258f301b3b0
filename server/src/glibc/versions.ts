/**
 * Which glibc the analysis imitates. Two parser generations matter: up to 2.40 the parser reads
 * an uninitialised end pointer when a prefix has no `/bits` and takes an empty number as 0; the
 * fix for BZ #32465 (2.41, backported to the 2.39 and 2.40 release branches) gives missing bits a
 * full-length default and refuses empty numbers.
 */

export type ParserGeneration = 'up-to-2.40' | 'from-2.41';

export interface GlibcVersion {
  readonly major: number;
  readonly minor: number;
  /** Where the version came from, for every output to state. */
  readonly origin: 'option' | 'runtime' | 'fallback' | 'container';
  /**
   * Where this build records that it carries the fix for BZ #32465 although its version is
   * older than 2.41 (a distribution backport), e.g. "/usr/share/doc/libc6/changelog.Debian.gz:120".
   */
  readonly prefixLengthFix?: string;
}

/** Assumed when the code does not run on glibc (musl, macOS, Windows) and no version is given. */
export const FALLBACK_GLIBC: GlibcVersion = { major: 2, minor: 41, origin: 'fallback' };

export function parseGlibcVersion(text: string, origin: GlibcVersion['origin'] = 'option'): GlibcVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 2 || minor < 5) return undefined;
  return { major, minor, origin };
}

export function parserGeneration(version: GlibcVersion): ParserGeneration {
  return version.major === 2 && version.minor <= 40 && version.prefixLengthFix === undefined
    ? 'up-to-2.40'
    : 'from-2.41';
}

export function glibcVersionText(version: GlibcVersion): string {
  return `${version.major}.${version.minor}`;
}
