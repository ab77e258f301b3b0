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
  readonly origin: 'option' | 'runtime' | 'fallback';
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

interface RuntimeReport {
  readonly header?: { readonly glibcVersionRuntime?: string };
  readonly sharedObjects?: readonly string[];
}

let runtimeReportCache: RuntimeReport | null | undefined;

/**
 * Node's diagnostic report of this process, made once: it takes several milliseconds (it walks
 * the heap, handles and libraries), and the C library a process runs on never changes.
 */
function runtimeReport(): RuntimeReport | null {
  if (runtimeReportCache === undefined) {
    try {
      runtimeReportCache = (process.report?.getReport() as RuntimeReport | undefined) ?? null;
    } catch {
      runtimeReportCache = null;
    }
  }
  return runtimeReportCache;
}

/** The glibc this process runs on, read from Node's diagnostic report without spawning anything. */
export function runtimeGlibcVersion(): GlibcVersion | undefined {
  const version = runtimeReport()?.header?.glibcVersionRuntime;
  return version ? parseGlibcVersion(version, 'runtime') : undefined;
}

/** The C library where this code runs; only glibc reads gai.conf. */
export type HostLibc = 'glibc' | 'musl' | 'other-linux' | 'not-linux';

/** Reads the libc from a Node diagnostic report: glibc names its version, musl shows as its loader. */
export function libcFromReport(report: unknown, platform: string): HostLibc {
  if (platform !== 'linux') return 'not-linux';
  const r = report as { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] } | undefined;
  if (r?.header?.glibcVersionRuntime) return 'glibc';
  return (r?.sharedObjects ?? []).some((path) => /(^|\/)(ld-musl|libc\.musl)/.test(path)) ? 'musl' : 'other-linux';
}

export function runtimeLibc(): HostLibc {
  return libcFromReport(runtimeReport() ?? undefined, process.platform);
}

/** An explicit version (e.g. "2.36"), or "auto"/undefined for this machine's glibc. */
export function resolveGlibcVersion(requested?: string): GlibcVersion | undefined {
  if (requested !== undefined && requested !== 'auto') return parseGlibcVersion(requested);
  return runtimeGlibcVersion() ?? FALLBACK_GLIBC;
}

export function parserGeneration(version: GlibcVersion): ParserGeneration {
  return version.major === 2 && version.minor <= 40 ? 'up-to-2.40' : 'from-2.41';
}

export function glibcVersionText(version: GlibcVersion): string {
  return `${version.major}.${version.minor}`;
}

export function describeGlibcVersion(version: GlibcVersion): string {
  const source = { option: 'as requested', runtime: 'the glibc this runs on', fallback: 'no glibc found here; assuming the newest parser' }[version.origin];
  return `glibc ${glibcVersionText(version)} (${source})`;
}
