/**
 * IPv4 and IPv6 addresses as glibc and the kernel see them: 16 bytes (IPv4 held in the
 * v4-mapped form, as glibc's match_prefix looks it up), with text parsing that accepts exactly
 * what glibc's inet_pton accepts.
 */

export type Bytes16 = Uint8Array;

export interface IpAddress {
  readonly family: 4 | 6;
  /** For IPv6 the address; for IPv4 the v4-mapped form ::ffff:a.b.c.d. */
  readonly bytes: Bytes16;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** inet_pton(AF_INET) as glibc implements it: four decimal octets, no leading zeros, no tail. */
export function parseIpv4Bytes(text: string): Uint8Array | undefined {
  // Most text handed here is not an IPv4 address at all: nothing is allocated before it is one.
  let octets = 0;
  let current = -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 0x30 && ch <= 0x39) {
      if (current === 0) return undefined; // a leading zero followed by more digits
      current = current < 0 ? ch - 0x30 : current * 10 + (ch - 0x30);
      if (current > 255) return undefined;
    } else if (ch === 0x2e && current >= 0) {
      if (++octets === 4) return undefined;
      value = value * 256 + current;
      current = -1;
    } else {
      return undefined;
    }
  }
  if (current < 0 || octets !== 3) return undefined;
  value = value * 256 + current;
  return Uint8Array.of(Math.floor(value / 0x1000000), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

function hexDigit(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return -1;
}

/**
 * inet_pton(AF_INET6) as glibc implements it: groups of at most four hex digits in any case,
 * one `::` that stands for at least one group, a dotted quad only as the last 32 bits. The bytes
 * are written into `out` (every one of them when the text is an address), a new array by default.
 */
export function parseIpv6Bytes(text: string, out = new Uint8Array(16)): Bytes16 | undefined {
  let written = 0;
  let gapAt = -1;
  let pos = 0;
  const end = text.length;
  if (end === 0) return undefined;
  if (text.charCodeAt(0) === 0x3a) {
    if (end < 2 || text.charCodeAt(1) !== 0x3a) return undefined;
    pos = 1;
  }
  let groupStart = pos;
  let digits = 0;
  let value = 0;
  while (pos < end) {
    const ch = text.charCodeAt(pos++);
    const digit = hexDigit(ch);
    if (digit >= 0) {
      if (digits === 4) return undefined;
      value = (value << 4) | digit;
      digits++;
      continue;
    }
    if (ch === 0x3a) {
      groupStart = pos;
      if (digits === 0) {
        if (gapAt >= 0) return undefined;
        gapAt = written;
        continue;
      }
      if (pos === end) return undefined;
      if (written + 2 > 16) return undefined;
      out[written++] = value >> 8;
      out[written++] = value & 0xff;
      digits = 0;
      value = 0;
      continue;
    }
    if (ch === 0x2e && written + 4 <= 16) {
      const quad = parseIpv4Bytes(text.slice(groupStart));
      if (!quad) return undefined;
      out.set(quad, written);
      written += 4;
      digits = 0;
      break;
    }
    return undefined;
  }
  if (digits > 0) {
    if (written + 2 > 16) return undefined;
    out[written++] = value >> 8;
    out[written++] = value & 0xff;
  }
  if (gapAt >= 0) {
    if (written === 16) return undefined;
    // The groups after "::" move to the end, and the gap is zeros.
    out.copyWithin(16 - (written - gapAt), gapAt, written);
    out.fill(0, gapAt, 16 - (written - gapAt));
    written = 16;
  }
  return written === 16 ? out : undefined;
}

export function ipv4ToMapped(quad: Uint8Array): Bytes16 {
  const mapped = new Uint8Array(16);
  mapped.set(V4_MAPPED_PREFIX);
  mapped.set(quad, 12);
  return mapped;
}

export function isV4Mapped(bytes: Bytes16): boolean {
  return V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b);
}

/** Address text for host and destination lists: IPv4 dotted quad or IPv6 (a zone id is refused). */
export function parseIpAddress(text: string): IpAddress | undefined {
  const quad = parseIpv4Bytes(text);
  if (quad) return { family: 4, bytes: ipv4ToMapped(quad) };
  const bytes = parseIpv6Bytes(text);
  return bytes ? { family: 6, bytes } : undefined;
}

export function ipv4Text(bytes: Bytes16): string {
  return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
}

/** RFC 5952 text: lower case, the longest run (first of equals) of two or more zero groups as `::`. */
export function ipv6Text(bytes: Bytes16): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/**
 * The one spelling of IPv6 text for people, as gai.conf files and glibc's own write it: compressed
 * hex groups, v4-mapped addresses with their dotted-quad tail except the all-zero one
 * (`::ffff:10.0.0.0`, but `::ffff:0:0` as in `precedence ::ffff:0:0/96 100`).
 */
export function ipv6TextForPeople(bytes: Bytes16): string {
  const zeroTail = bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0 && bytes[15] === 0;
  return isV4Mapped(bytes) && !zeroTail ? `::ffff:${ipv4Text(bytes)}` : ipv6Text(bytes);
}

/** Address text for people: dotted quad for IPv4, v4-mapped IPv6 with its dotted-quad tail. */
export function addressText(address: IpAddress): string {
  return address.family === 4 ? ipv4Text(address.bytes) : ipv6TextForPeople(address.bytes);
}

/**
 * The scope of an IPv6 address, on which glibc's get_scope and the kernel's ipv6_addr_type agree:
 * a multicast address's scope nibble, 2 for link-local and ::1, 5 for site-local, else 14 (global,
 * ULA included).
 */
export function ipv6Scope(bytes: Bytes16): number {
  if (bytes[0] === 0xff) return bytes[1] & 0x0f;
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 2;
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return 5;
  if (isLoopbackIpv6(bytes)) return 2;
  return 14;
}

export function isLoopbackIpv6(bytes: Bytes16): boolean {
  for (let i = 0; i < 15; i++) if (bytes[i] !== 0) return false;
  return bytes[15] === 1;
}

export function sameBytes(a: Bytes16, b: Bytes16): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when the first `bits` bits of `address` equal those of `prefix`. */
export function prefixContains(prefix: Bytes16, bits: number, address: Bytes16): boolean {
  let remaining = bits;
  for (let i = 0; remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff00 >> remaining) & 0xff;
    if ((prefix[i] & mask) !== (address[i] & mask)) return false;
  }
  return true;
}

/** Number of leading bits two addresses share (0..128). */
export function commonPrefixLength(a: Bytes16, b: Bytes16): number {
  for (let i = 0; i < 16; i++) {
    const diff = a[i] ^ b[i];
    if (diff !== 0) return i * 8 + (Math.clz32(diff) - 24);
  }
  return 128;
}

/** The prefix with every bit after `bits` cleared, into `out` (which may be `bytes`; a new array by default). */
export function maskBytes(bytes: Bytes16, bits: number, out = new Uint8Array(16)): Bytes16 {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = bytes[i] & ((0xff00 >> keep) & 0xff);
  }
  return out;
}

/** A string that is equal for two prefixes of this length exactly when they cover the same addresses. */
export function prefixKey(bytes: Bytes16, bits: number): string {
  // One string made at once from the length and all 16 masked bytes (zeros past the length), with
  // nothing made on the way: a key is made for every row of a table.
  return String.fromCharCode(
    bits,
    maskedByte(bytes, bits, 0),
    maskedByte(bytes, bits, 1),
    maskedByte(bytes, bits, 2),
    maskedByte(bytes, bits, 3),
    maskedByte(bytes, bits, 4),
    maskedByte(bytes, bits, 5),
    maskedByte(bytes, bits, 6),
    maskedByte(bytes, bits, 7),
    maskedByte(bytes, bits, 8),
    maskedByte(bytes, bits, 9),
    maskedByte(bytes, bits, 10),
    maskedByte(bytes, bits, 11),
    maskedByte(bytes, bits, 12),
    maskedByte(bytes, bits, 13),
    maskedByte(bytes, bits, 14),
    maskedByte(bytes, bits, 15),
  );
}

/** Byte `i` of a prefix with every bit after `bits` cleared. */
function maskedByte(bytes: Bytes16, bits: number, i: number): number {
  const keep = bits - i * 8;
  return keep >= 8 ? bytes[i] : keep <= 0 ? 0 : bytes[i] & (0xff00 >> keep) & 0xff;
}

export function hasHostBits(bytes: Bytes16, bits: number): boolean {
  // A bit maskBytes would clear, looked for without making the masked copy (once per row).
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    if ((bytes[i] & ~(0xff00 >> keep) & 0xff) !== 0) return true;
  }
  return false;
}

export function bytesFromHex(hex: string): Bytes16 {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
