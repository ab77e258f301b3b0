/**
 * What an executable's ELF headers say about its resolver, read without running it: the program
 * interpreter (glibc's ld-linux, musl's ld-musl, or none for a static binary), whether it is a Go
 * program (the .go.buildinfo section, whose build settings say whether cgo and the netcgo tag were
 * used), and for static binaries whether glibc's getaddrinfo is inside (it names /etc/gai.conf).
 */

import { closeSync, fstatSync, openSync, readSync } from 'fs';

import type { ElfFacts, GoBuild } from '../features/whoFollows';

const GO_BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const GAI_CONF_PATH = Buffer.from('/etc/gai.conf', 'latin1');
const PT_INTERP = 3;
const PT_LOAD = 1;
const CHUNK = 1 << 20;
/** Static binaries above this size are not searched for the gai.conf path (readsGaiConf stays null). */
const MAX_SEARCH_BYTES = 512 << 20;

interface Reader {
  read(offset: number, length: number): Buffer;
  size: number;
}

/** Reads the file at `path` through a Reader, closing it afterwards. */
function withReader<T>(path: string, use: (reader: Reader) => T): T {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return use({
      size,
      read(offset, length) {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.alloc(n);
        let done = 0;
        while (done < n) {
          const got = readSync(fd, buf, done, n - done, offset + done);
          if (got === 0) break;
          done += got;
        }
        return buf.subarray(0, done);
      },
    });
  } finally {
    closeSync(fd);
  }
}

/** null when the file is not an ELF executable this reader understands. */
export function readElfFacts(path: string): ElfFacts | null {
  return withReader(path, elfFacts);
}

/**
 * The bytes of one section of an ELF file (libc.so.6's `.rodata`, where its banner is: 150 KB of
 * its 2 MB), undefined when the file is no ELF file or has no such section (stripped of its
 * section headers).
 */
export function readElfSection(path: string, name: string): Buffer | undefined {
  return withReader(path, (reader) => {
    const h = header(reader);
    const span = h ? sections(reader, h).get(name) : undefined;
    return span && reader.read(span.offset, span.size);
  });
}

interface Header {
  is64: boolean;
  le: boolean;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

function header(r: Reader): Header | null {
  const h = r.read(0, 64);
  if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return null;
  const is64 = h[4] === 2;
  const le = h[5] === 1;
  if (is64 && h.length < 64) return null;
  const u16 = (o: number) => (le ? h.readUInt16LE(o) : h.readUInt16BE(o));
  const u32 = (o: number) => (le ? h.readUInt32LE(o) : h.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? h.readBigUInt64LE(o) : h.readBigUInt64BE(o)) : u32(o));
  return is64
    ? {
        is64,
        le,
        phoff: word(32),
        shoff: word(40),
        phentsize: u16(54),
        phnum: u16(56),
        shentsize: u16(58),
        shnum: u16(60),
        shstrndx: u16(62),
      }
    : {
        is64,
        le,
        phoff: word(28),
        shoff: word(32),
        phentsize: u16(42),
        phnum: u16(44),
        shentsize: u16(46),
        shnum: u16(48),
        shstrndx: u16(50),
      };
}

interface Span {
  offset: number;
  size: number;
}

function fields(h: Header, b: Buffer) {
  return {
    u32: (o: number) => (h.le ? b.readUInt32LE(o) : b.readUInt32BE(o)),
    word: (o: number) =>
      h.is64
        ? Number(h.le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o))
        : h.le
          ? b.readUInt32LE(o)
          : b.readUInt32BE(o),
  };
}

function segments(r: Reader, h: Header): { type: number; span: Span }[] {
  const table = r.read(h.phoff, h.phentsize * h.phnum);
  const out: { type: number; span: Span }[] = [];
  for (let i = 0; (i + 1) * h.phentsize <= table.length; i++) {
    const e = table.subarray(i * h.phentsize, (i + 1) * h.phentsize);
    const f = fields(h, e);
    out.push(
      h.is64
        ? { type: f.u32(0), span: { offset: f.word(8), size: f.word(32) } }
        : { type: f.u32(0), span: { offset: f.word(4), size: f.word(16) } },
    );
  }
  return out;
}

function sections(r: Reader, h: Header): Map<string, Span> {
  const found = new Map<string, Span>();
  if (h.shnum === 0 || h.shoff === 0) return found;
  const table = r.read(h.shoff, h.shentsize * h.shnum);
  const entry = (i: number) => {
    const e = table.subarray(i * h.shentsize, (i + 1) * h.shentsize);
    const f = fields(h, e);
    return h.is64
      ? { name: f.u32(0), offset: f.word(24), size: f.word(32) }
      : { name: f.u32(0), offset: f.word(16), size: f.word(20) };
  };
  if ((h.shstrndx + 1) * h.shentsize > table.length) return found;
  const names = entry(h.shstrndx);
  const strings = r.read(names.offset, Math.min(names.size, 1 << 20));
  for (let i = 0; (i + 1) * h.shentsize <= table.length; i++) {
    const s = entry(i);
    const end = strings.indexOf(0, s.name);
    if (end > s.name) found.set(strings.toString('latin1', s.name, end), { offset: s.offset, size: s.size });
  }
  return found;
}

function elfFacts(r: Reader): ElfFacts | null {
  const h = header(r);
  if (!h) return null;
  const segs = segments(r, h);
  const interp = segs.find((s) => s.type === PT_INTERP);
  const interpreter = interp
    ? r.read(interp.span.offset, Math.min(interp.span.size, 4096)).toString('latin1').replace(/\0.*$/s, '')
    : null;
  const secs = sections(r, h);
  let go: GoBuild | null = null;
  const buildinfo = secs.get('.go.buildinfo');
  if (buildinfo) go = parseBuildInfo(r.read(buildinfo.offset, Math.min(buildinfo.size, 1 << 20)));
  else if (secs.has('.note.go.buildid') || secs.has('.gopclntab')) go = { version: null, cgo: null, netcgoTag: false };
  else if (secs.size === 0) {
    // No section headers (stripped with sstrip): look for the build-info magic in the loaded data.
    for (const s of segs.filter((x) => x.type === PT_LOAD)) {
      const at = search(r, GO_BUILDINFO_MAGIC, s.span.offset, s.span.offset + s.span.size);
      if (at !== null) {
        go = parseBuildInfo(r.read(at, 1 << 16));
        break;
      }
    }
  }
  let readsGaiConf: boolean | null = null;
  if (!interpreter && !go && r.size <= MAX_SEARCH_BYTES) readsGaiConf = search(r, GAI_CONF_PATH, 0, r.size) !== null;
  return { interpreter, go, readsGaiConf };
}

function search(r: Reader, needle: Buffer, from: number, to: number): number | null {
  for (let at = from; at < to; at += CHUNK) {
    const chunk = r.read(at, Math.min(CHUNK + needle.length - 1, to - at));
    const i = chunk.indexOf(needle);
    if (i >= 0) return at + i;
  }
  return null;
}

/** The Go 1.18+ inline layout: 32-byte header (magic, pointer size, flags bit 2 = inline strings), then version and module info as varint-prefixed strings. */
function parseBuildInfo(b: Buffer): GoBuild {
  if (b.length < 32 || !b.subarray(0, GO_BUILDINFO_MAGIC.length).equals(GO_BUILDINFO_MAGIC) || (b[15]! & 2) === 0)
    return { version: null, cgo: null, netcgoTag: false };
  let at = 32;
  const next = (): string | null => {
    let length = 0;
    let shift = 0;
    for (;;) {
      if (at >= b.length || shift > 28) return null;
      const byte = b[at++]!;
      length |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    if (at + length > b.length) return null;
    const s = b.toString('latin1', at, at + length);
    at += length;
    return s;
  };
  const version = next();
  const modinfo = next() ?? '';
  const setting = (key: string): string | undefined =>
    new RegExp(`^build\\t${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=(.*)$`, 'm').exec(modinfo)?.[1];
  const cgo = setting('CGO_ENABLED');
  const tags = setting('-tags') ?? '';
  return {
    version: version || null,
    cgo: cgo === undefined ? null : cgo === '1',
    netcgoTag: tags.split(',').includes('netcgo'),
  };
}
