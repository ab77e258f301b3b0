/**
 * A container's C library, read from its files through its root without running anything: glibc
 * and its version from libc.so.6's bytes ("... stable release version 2.36."), with the parser
 * fix its package documentation records; else musl from its loader /lib/ld-musl-ARCH.so.1; else
 * none. Every read goes through readContainerFile, so no symlink leads out of the container.
 * Results are kept per inode: bare namespaces share the host's libc, LXD containers of one image
 * share nothing but are read once each.
 */

import { readdirSync } from 'fs';

import type { ContainerLibc } from '../../analysis/containerModel';
import { parseGlibcVersion } from '../../glibc/versions';
import { glibcVersionFromBytes, recordedPrefixLengthFix } from '../glibcBuild';
import { ContainerPathRefused, readContainerFile, resolveInContainer } from './containerFiles';

/** Debian's and Fedora's libc.so.6 are about 2 MB; a file far bigger is not a C library. */
const MAX_LIBRARY_BYTES = 32 << 20;

const MULTIARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ia32: 'i386-linux-gnu',
  ppc64: 'powerpc64le-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
};

function libcCandidates(arch: string): string[] {
  const triplet = MULTIARCH[arch];
  const folders = [
    ...(triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : []),
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
  ];
  return folders.map((folder) => `${folder}/libc.so.6`);
}

/** Per libc.so.6 inode: its version and recorded fix (the documentation comes with the same package). */
const glibcCache = new Map<string, { version: string; fix?: string } | null>();

/** musl states its version as a bare string ("1.2.3") in libc.so; ld-musl is the same file. */
function muslVersionFromBytes(bytes: Buffer): string | undefined {
  return /\0(1\.\d+\.\d+)\0/.exec(bytes.toString('latin1'))?.[1];
}

/** The inode a path names inside the container, without reading it; undefined when it is no regular file there. */
function inodeKey(root: string, path: string): string | undefined {
  try {
    const resolved = resolveInContainer(root, path);
    return resolved?.stat?.isFile() ? `${resolved.stat.dev}:${resolved.stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}

function readLibrary(root: string, path: string): { bytes: Buffer; key: string } | undefined {
  try {
    const read = readContainerFile(root, path, MAX_LIBRARY_BYTES);
    if (read.kind !== 'file') return undefined;
    return { bytes: read.bytes, key: `${read.identity.dev}:${read.identity.ino}` };
  } catch (error) {
    if (error instanceof ContainerPathRefused) return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP')
      return undefined;
    throw error;
  }
}

function findMusl(root: string): string | undefined {
  const lib = resolveInContainer(root, '/lib');
  if (!lib?.stat?.isDirectory()) return undefined;
  try {
    const loader = readdirSync(lib.hostPath).find((name) => /^ld-musl-[A-Za-z0-9_]+\.so\.1$/.test(name));
    return loader ? `/lib/${loader}` : undefined;
  } catch {
    return undefined;
  }
}

/** The container's C library, seen through `root` (/proc/PID/root). */
export function containerLibc(root: string, arch: string = process.arch): ContainerLibc {
  for (const path of libcCandidates(arch)) {
    const key = inodeKey(root, path);
    if (key === undefined) continue;
    let known = glibcCache.get(key);
    if (known === undefined) {
      const library = readLibrary(root, path);
      const version = library && glibcVersionFromBytes(library.bytes);
      const parsed = version === undefined ? undefined : parseGlibcVersion(version, 'container');
      // The documentation is the container's, read through its root as its libc was.
      const fix = parsed && recordedPrefixLengthFix(parsed, (document) => readLibrary(root, document)?.bytes);
      known = version === undefined ? null : { version, ...(fix ? { fix } : {}) };
      // Keyed by the inode the read checked, so a file swapped in between is never cached under the old one.
      if (library) glibcCache.set(library.key, known);
    }
    if (known === null) continue;
    return { kind: 'glibc', version: known.version, path, ...(known.fix ? { prefixLengthFix: known.fix } : {}) };
  }
  const musl = findMusl(root);
  if (musl) {
    const library = readLibrary(root, musl);
    const version = library && muslVersionFromBytes(library.bytes);
    return { kind: 'musl', path: musl, ...(version ? { version } : {}) };
  }
  return { kind: 'none' };
}

/**
 * The container's C library through a runtime's file interface (LXD's, the Docker Engine API's),
 * for a user who cannot reach /proc/PID/root: `read` returns a regular file's bytes with symlinks
 * followed inside the container, or undefined.
 */
export async function libcThroughApi(
  read: (path: string) => Promise<Buffer | undefined>,
  arch: string = process.arch,
): Promise<ContainerLibc> {
  for (const path of libcCandidates(arch)) {
    const bytes = await read(path);
    const version = bytes && glibcVersionFromBytes(bytes);
    if (version) return { kind: 'glibc', version, path };
  }
  const musl = `/lib/ld-musl-${MULTIARCH[arch]?.split('-')[0] ?? arch}.so.1`;
  const bytes = await read(musl);
  if (!bytes) return { kind: 'none' };
  const version = muslVersionFromBytes(bytes);
  return { kind: 'musl', path: musl, ...(version ? { version } : {}) };
}
