/**
 * Which gai.conf parser fixes the machine's glibc build carries beyond its version number.
 * Distributions backport fixes into older release branches: a Debian or Ubuntu 2.39 or 2.40 may
 * read a prefix without /bits as 2.41 does. Their libc6 package says so in its documentation: the
 * upstream NEWS of a stable branch lists each bug it fixed, and changelog.Debian names the bugs of
 * the patches it took ("BZ #32465").
 */

import { readFileSync } from 'fs';
import { join } from 'path';

import { GlibcVersion, parserGeneration } from '../glibc/versions';

/** glibc's bug 32465: a prefix without /bits read an uninitialised pointer (fixed in 2.41). */
export const PREFIX_LENGTH_FIX_BUG = 32465;

export interface BuildFixEvidence {
  readonly bug: number;
  /** The file and line that name the bug. */
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Where Debian-style packages keep glibc's documentation. */
export const LIBC_DOC_DIR = '/usr/share/doc/libc6';
const DOCUMENTS = ['changelog.Debian.gz', 'NEWS.gz', 'changelog.Debian', 'NEWS'];
/**
 * The distribution's own changelog: where a backport to any release shows. Upstream backported
 * the fix to the 2.39 and 2.40 branches only, so the upstream NEWS of an older branch cannot
 * list it, and reading that 400 KB file would only slow every start.
 */
const CHANGELOGS = ['changelog.Debian.gz', 'changelog.Debian'];

/** Reads a file's bytes as they are on disk, undefined when it is not there; a container's are read through its root (containerLibc.ts). */
export type DocumentReader = (path: string) => Buffer | undefined;

/** A document's text, undefined when it is not there or never names `bug`. */
function readDocument(path: string, read: DocumentReader, bug: number): string | undefined {
  try {
    const raw = read(path);
    if (raw === undefined) return undefined;
    // Loaded here, not with this module: zlib (and the streams it loads) costs milliseconds of
    // every start, and a glibc from 2.41 on, or a build without gzipped documentation, never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bytes = path.endsWith('.gz') ? (require('zlib') as typeof import('zlib')).gunzipSync(raw) : raw;
    // Most documents never name the bug: they are not made into a 100 KB string for the search.
    return bytes.includes(String(bug)) ? bytes.toString('latin1') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The documents that may record the prefix-length fix of a build of `version`: upstream took it
 * into the 2.39 and 2.40 branches (their NEWS lists it), and any older release has it only from
 * its distribution's changelog; none for 2.41 and later, whose parser has it anyway.
 */
function fixDocuments(version: GlibcVersion): readonly string[] {
  if (parserGeneration(version) === 'from-2.41') return [];
  return version.minor >= 39 ? DOCUMENTS : CHANGELOGS;
}

/**
 * Where a glibc build of `version` records the fix for BZ #32465 ("FILE:LINE"), its package
 * documentation read with `read`: the host's from its disk, a container's through its root.
 */
export function recordedPrefixLengthFix(
  version: GlibcVersion,
  read: DocumentReader = readFileSync,
  docDir: string = LIBC_DOC_DIR,
): string | undefined {
  const documents = fixDocuments(version);
  const fix = documents.length > 0 ? findBuildFix(PREFIX_LENGTH_FIX_BUG, docDir, documents, read) : undefined;
  return fix ? `${fix.file}:${fix.line}` : undefined;
}

const RELEASE = Buffer.from(' release version ', 'latin1');

/**
 * The version glibc's libc.so.6 states in its banner (what it prints when run, and what
 * gnu_get_libc_version() returns): "GNU C Library (Debian GLIBC 2.36-9) stable release version
 * 2.36."; undefined for another file.
 */
export function glibcVersionFromBytes(bytes: Buffer): string | undefined {
  for (let at = bytes.indexOf(RELEASE); at >= 0; at = bytes.indexOf(RELEASE, at + 1)) {
    const m = /^(\d+\.\d+)/.exec(bytes.subarray(at + RELEASE.length, at + RELEASE.length + 16).toString('latin1'));
    if (m && bytes.subarray(Math.max(0, at - 200), at).includes('GNU C Library')) return m[1];
  }
  return undefined;
}

/** "BZ #32465", "BZ#32465", "bug 32465" or NEWS's "[32465] nss: ..." item, anywhere in a document. */
function mentionPattern(bug: number): RegExp {
  return new RegExp(`(?:\\bBZ\\s*#?\\s*|\\bbug\\s*#?\\s*|^[ \\t]*\\[)${bug}\\b`, 'im');
}

/** The first line of the package's documentation that records the fix for `bug`, if any. */
export function findBuildFix(
  bug: number,
  docDir: string = LIBC_DOC_DIR,
  documents: readonly string[] = DOCUMENTS,
  read: DocumentReader = readFileSync,
): BuildFixEvidence | undefined {
  // One search over each whole document: a start-up cost of every editor session and check.
  const pattern = mentionPattern(bug);
  for (const name of documents) {
    const file = join(docDir, name);
    const text = readDocument(file, read, bug);
    if (text === undefined) continue;
    const match = pattern.exec(text);
    if (!match) continue;
    const start = text.lastIndexOf('\n', match.index) + 1;
    const end = text.indexOf('\n', match.index);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
    return { bug, file, line, text: text.slice(start, end < 0 ? undefined : end).trim() };
  }
  return undefined;
}
