/**
 * The C library this process runs on, read from Node's diagnostic report without starting any
 * process: glibc names its version there, musl shows as its loader among the shared objects.
 */

import { readFileSync } from 'fs';

import { HostLibc } from '../analysis/analysis';
import { FALLBACK_GLIBC, GlibcVersion, parseGlibcVersion } from '../glibc/versions';
import { readElfSection } from './elf';
import { glibcVersionFromBytes, LIBC_DOC_DIR, recordedPrefixLengthFix } from './glibcBuild';

interface RuntimeReport {
  readonly header?: { readonly glibcVersionRuntime?: string };
  readonly sharedObjects?: readonly string[];
}

let runtimeReportCache: RuntimeReport | null | undefined;

/**
 * The facts of Node's diagnostic report this module uses, made once: from the libraries mapped
 * into this process where Linux lists them, else from the report itself, which takes 10 to 30
 * milliseconds of every start (it walks the heap, handles and libraries).
 */
function runtimeReport(): RuntimeReport | null {
  if (runtimeReportCache === undefined) {
    try {
      runtimeReportCache = mappedLibraries() ?? (process.report?.getReport() as RuntimeReport | undefined) ?? null;
    } catch {
      runtimeReportCache = null;
    }
  }
  return runtimeReportCache;
}

/**
 * The version in the banner of this machine's libc.so.6 at `path`: read from its .rodata section
 * alone where it has section headers (150 KB instead of 2 MB at every start).
 */
function hostGlibcVersion(path: string): string | undefined {
  const rodata = readElfSection(path, '.rodata');
  return (rodata && glibcVersionFromBytes(rodata)) ?? glibcVersionFromBytes(readFileSync(path));
}

/**
 * The shared objects /proc/self/maps lists, and for glibc the version its banner names (the one
 * gnu_get_libc_version(), and so the report, gives); undefined when either is not found.
 */
function mappedLibraries(): RuntimeReport | undefined {
  if (process.platform !== 'linux') return undefined;
  const maps = readFileSync('/proc/self/maps', 'latin1');
  const sharedObjects = [
    ...new Set(
      maps
        .split('\n')
        .map((line) => line.slice(line.indexOf('/')))
        .filter((path) => path.startsWith('/') && /\.so(\.|$)/.test(path)),
    ),
  ];
  const glibc = sharedObjects.find((path) => /\/libc(\.so\.6|-2\.\d+\.so)$/.test(path));
  if (!glibc)
    return sharedObjects.some((path) => /(^|\/)(ld-musl|libc\.musl)/.test(path)) ? { sharedObjects } : undefined;
  const version = hostGlibcVersion(glibc);
  return version ? { header: { glibcVersionRuntime: version }, sharedObjects } : undefined;
}

/**
 * A version as its build is: an older one whose package documentation (in `docDir`) records the
 * fix for BZ #32465 reads gai.conf with the 2.41 parser.
 */
export function withRecordedFixes(version: GlibcVersion, docDir: string = LIBC_DOC_DIR): GlibcVersion {
  const fix = recordedPrefixLengthFix(version, readFileSync, docDir);
  return fix ? { ...version, prefixLengthFix: fix } : version;
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
