/**
 * The C library this process runs on, read from Node's diagnostic report without starting any
 * process: glibc names its version there, musl shows as its loader among the shared objects.
 */

import { readFile, readFileSync } from 'fs';
import { join } from 'path';

import { HostLibc } from '../analysis/analysis';
import { FALLBACK_GLIBC, GlibcVersion, parseGlibcVersion } from '../glibc/versions';
import { readElfSection } from './elf';
import { DocumentReader, DOCUMENTS, glibcVersionFromBytes, LIBC_DOC_DIR, recordedPrefixLengthFix } from './glibcBuild';

interface RuntimeReport {
  readonly header?: { readonly glibcVersionRuntime?: string };
  readonly sharedObjects?: readonly string[];
}

const MAPS = '/proc/self/maps';

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

let runtimeReportCache: RuntimeReport | null | undefined;

/**
 * The facts of Node's diagnostic report this module uses, made once: from the libraries mapped
 * into this process where Linux lists them, else from the report itself, which takes 10 to 30
 * milliseconds of every start (it walks the heap, handles and libraries).
 */
function runtimeReport(read: DocumentReader = readIfPresent): RuntimeReport | null {
  if (runtimeReportCache === undefined) {
    try {
      runtimeReportCache = mappedLibraries(read) ?? (process.report?.getReport() as RuntimeReport | undefined) ?? null;
    } catch {
      runtimeReportCache = null;
    }
  }
  return runtimeReportCache;
}

/** The shared objects a /proc/PID/maps lists, and glibc's libc.so.6 among them. */
function librariesIn(maps: string): { sharedObjects: string[]; glibc: string | undefined } {
  const sharedObjects = [
    ...new Set(
      maps
        .split('\n')
        .map((line) => line.slice(line.indexOf('/')))
        .filter((path) => path.startsWith('/') && /\.so(\.|$)/.test(path)),
    ),
  ];
  return { sharedObjects, glibc: sharedObjects.find((path) => /\/libc(\.so\.6|-2\.\d+\.so)$/.test(path)) };
}

/**
 * The version in the banner of this machine's libc.so.6 at `path`: read from its .rodata section
 * alone where it has section headers (a read of 150 KB instead of 2 MB at every start).
 */
function hostGlibcVersion(path: string): string | undefined {
  try {
    const rodata = readElfSection(path, '.rodata');
    const version = rodata && glibcVersionFromBytes(rodata);
    if (version) return version;
  } catch {
    // Unreadable as ELF: the whole file below says what it can.
  }
  const bytes = readIfPresent(path);
  return bytes && glibcVersionFromBytes(bytes);
}

/**
 * The shared objects /proc/self/maps lists, and for glibc the version its banner names (the one
 * gnu_get_libc_version(), and so the report, gives); undefined when either is not found.
 */
function mappedLibraries(read: DocumentReader): RuntimeReport | undefined {
  if (process.platform !== 'linux') return undefined;
  const maps = read(MAPS);
  if (maps === undefined) return undefined;
  const { sharedObjects, glibc } = librariesIn(maps.toString('latin1'));
  if (!glibc)
    return sharedObjects.some((path) => /(^|\/)(ld-musl|libc\.musl)/.test(path)) ? { sharedObjects } : undefined;
  const version = hostGlibcVersion(glibc);
  return version ? { header: { glibcVersionRuntime: version }, sharedObjects } : undefined;
}

/**
 * A version as its build is: an older one whose package documentation (in `docDir`) records the
 * fix for BZ #32465 reads gai.conf with the 2.41 parser.
 */
export function withRecordedFixes(
  version: GlibcVersion,
  docDir: string = LIBC_DOC_DIR,
  read: DocumentReader = readFileSync,
): GlibcVersion {
  const fix = recordedPrefixLengthFix(version, read, docDir);
  return fix ? { ...version, prefixLengthFix: fix } : version;
}

let runtimeVersionCache: GlibcVersion | null | undefined;

/** The glibc this process runs on, with the fixes its build records (read once). */
export function runtimeGlibcVersion(read: DocumentReader = readIfPresent): GlibcVersion | undefined {
  if (runtimeVersionCache === undefined) {
    const text = runtimeReport(read)?.header?.glibcVersionRuntime;
    const version = text ? parseGlibcVersion(text, 'runtime') : undefined;
    runtimeVersionCache = version ? withRecordedFixes(version, LIBC_DOC_DIR, read) : null;
  }
  return runtimeVersionCache ?? undefined;
}

/**
 * Reads which C library this process runs on without blocking: the same reads as
 * runtimeGlibcVersion() and runtimeLibc(), made by Node's thread pool while the caller goes on
 * (the language server loads its modules meanwhile); once it resolves, both answer from memory.
 */
export async function readRuntimeLibc(): Promise<void> {
  if (runtimeVersionCache !== undefined || process.platform !== 'linux') return;
  const files = new Map<string, Buffer | undefined>();
  // fs's callbacks, not fs/promises: that module loads a dozen others (readline, watchers) at start.
  const fetch = (paths: readonly string[]) =>
    Promise.all(
      paths.map(
        (path) =>
          new Promise<void>((done) =>
            readFile(path, (error, bytes) => done(void files.set(path, error ? undefined : bytes))),
          ),
      ),
    );
  // Every document that might record a fix is fetched beside the maps rather than after the
  // version is known: one round of waiting. libc.so.6's banner is read afterwards, in 150 KB: a
  // second round of waiting for it would take longer than the read.
  await fetch([MAPS, ...DOCUMENTS.map((name) => join(LIBC_DOC_DIR, name))]);
  runtimeGlibcVersion((path) => (files.has(path) ? files.get(path) : readIfPresent(path)));
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
