/**
 * The C library this process runs on, read from Node's diagnostic report without starting any
 * process: glibc names its version there, musl shows as its loader among the shared objects.
 */

import { HostLibc } from '../analysis/analysis';
import { FALLBACK_GLIBC, GlibcVersion, parseGlibcVersion, parserGeneration } from '../glibc/versions';
import { CHANGELOGS, LIBC_DOC_DIR, PREFIX_LENGTH_FIX_BUG, findBuildFix } from './glibcBuild';

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

/**
 * A version as its build is: an older one whose package documentation (in `docDir`) records the
 * fix for BZ #32465 reads gai.conf with the 2.41 parser.
 */
export function withRecordedFixes(version: GlibcVersion, docDir: string = LIBC_DOC_DIR): GlibcVersion {
  if (parserGeneration(version) === 'from-2.41') return version;
  const fix = findBuildFix(PREFIX_LENGTH_FIX_BUG, docDir, version.minor >= 39 ? undefined : CHANGELOGS);
  return fix ? { ...version, prefixLengthFix: `${fix.file}:${fix.line}` } : version;
}

let runtimeVersionCache: GlibcVersion | null | undefined;

/** The glibc this process runs on, with the fixes its build records (read once). */
export function runtimeGlibcVersion(): GlibcVersion | undefined {
  if (runtimeVersionCache === undefined) {
    const text = runtimeReport()?.header?.glibcVersionRuntime;
    const version = text ? parseGlibcVersion(text, 'runtime') : undefined;
    runtimeVersionCache = version ? withRecordedFixes(version) : null;
  }
  return runtimeVersionCache ?? undefined;
}

/** Reads the libc from a Node diagnostic report. */
export function libcFromReport(report: unknown, platform: string): HostLibc {
  if (platform !== 'linux') return 'not-linux';
  const r = report as RuntimeReport | undefined;
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
